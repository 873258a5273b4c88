import { ESLint } from 'eslint'
import { expect, it } from 'vitest'

/**
 * `npm run lint` as a test of the node group: ESLint over the whole repository (eslint.config.js) finds nothing.
 * Run here rather than before vitest, it overlaps the node files that mostly wait on the processes they start
 * (a dev stack, DynamoDB Local), instead of adding its ~17 s in front of them.
 */
it('should find no lint problems in the repository', { timeout: 180_000 }, async () => {
  const eslint = new ESLint({ cwd: process.cwd() })
  const results = await eslint.lintFiles(['.'])
  const problems = results.filter((result) => result.errorCount > 0 || result.warningCount > 0)
  const report = problems.length ? await (await eslint.loadFormatter('stylish')).format(problems) : ''
  expect(report).toBe('')
})
