import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files known to take the longest, in the order they should start. Vitest orders a project's files by the
 * previous run's durations when its cache has them, and by file size otherwise: in a clean clone (CI) the ops
 * project's longest file (`npm start`, twice, a minute) is small and starts last, after everything its worker took
 * first, and the whole server half waits for it. Started first, the long files overlap the short ones.
 * (test/unit/test-command.test.ts checks every name here is a test file.)
 */
export const LONG_FIRST: readonly string[] = [
  'test/app/faults.test.ts',
  'test/ops/npm-start.test.ts',
  'test/app/transcoder-faults.test.ts',
  'test/ops/bench.test.ts',
  'test/ops/container-content.test.ts',
  'test/ops/lint.test.ts',
]

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const root = this.ctx.config.root
    const rank = (spec: TestSpecification) => {
      const at = LONG_FIRST.indexOf(relative(root, spec.moduleId))
      return at < 0 ? LONG_FIRST.length : at
    }
    // Within each project (the base keeps projects together, in their group order), the long files first; the rest as the base ordered them.
    const projectAt = new Map<string, number>()
    for (const spec of sorted) if (!projectAt.has(spec.project.name)) projectAt.set(spec.project.name, projectAt.size)
    return sorted
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => projectAt.get(a.spec.project.name)! - projectAt.get(b.spec.project.name)! || rank(a.spec) - rank(b.spec) || a.index - b.index)
      .map(({ spec }) => spec)
  }
}
