import { relative } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

/**
 * One line per finished test file, for the halves `npm test` runs side by side (scripts/test.ts): enough to follow
 * a run as it goes, while the full report (failures with their diffs, the summary, JSON) is printed once at the end
 * from both halves' results.
 */
export default class ProgressReporter implements Reporter {
  private readonly label = process.env.TEST_HALF ? `[${process.env.TEST_HALF}] ` : ''

  onTestModuleEnd(module: TestModule): void {
    const tests = [...module.children.allTests()]
    const failed = tests.filter((test) => test.result().state === 'failed').length
    const seconds = (module.diagnostic().duration / 1000).toFixed(1)
    const mark = module.state() === 'failed' || failed > 0 ? '✗' : '✓'
    const counts = failed > 0 ? `${failed} of ${tests.length} tests failed` : `${tests.length} tests`
    console.log(`${this.label}${mark} ${module.project.name} ${relative(process.cwd(), module.moduleId)} (${counts}, ${seconds} s)`)
  }
}
