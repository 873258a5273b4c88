import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TestSpecification, Vitest } from 'vitest/node'
import { HALVES, plan } from '../../scripts/test'
import LongFirstSequencer, { LONG_FIRST } from '../support/sequencer'

/** `npm test` (scripts/test.ts): which vitest runs it starts, and where each argument goes. */
describe('npm test', () => {
  it('should run every project in two halves side by side and report once, with the reporters asked for', () => {
    const { halves, report } = plan(['--reporter=default', '--reporter', 'json', '--outputFile.json=test-results/vitest.json', '--bail=1'], '/tmp/blobs')
    expect(HALVES.flatMap((half) => half.projects).sort()).toEqual(['app', 'e2e', 'ops', 'unit', 'workerd'])
    expect(halves!.map((half) => half.name)).toEqual(HALVES.map((half) => half.name))
    for (const half of halves!) {
      // Each half writes a blob and prints a line per file; it gets the options that are not about reporting.
      expect(half.args).toContain(`--outputFile.blob=/tmp/blobs/${half.name}.json`)
      expect(half.args).toContain('--bail=1')
      expect(half.args.filter((arg) => arg.includes('json'))).toEqual([`--outputFile.blob=/tmp/blobs/${half.name}.json`])
    }
    expect(report).toEqual(['--merge-reports', '/tmp/blobs', '--reporter=default', '--reporter', 'json', '--outputFile.json=test-results/vitest.json'])
    // Without a reporter asked for, the final report is vitest's default one.
    expect(plan([], '/tmp/blobs').report).toEqual(['--merge-reports', '/tmp/blobs', '--reporter=default'])
  })

  it('should hand file filters to both halves (one with nothing to run starts nothing), and be plain `vitest run` once projects are named', () => {
    for (const half of plan(['watchlist', '-t', 'adds'], '/tmp/blobs').halves!) expect(half.args.slice(-3)).toEqual(['watchlist', '-t', 'adds'])
    expect(plan(['--project', 'app', '-t', 'watchlist'], '/tmp/blobs')).toMatchObject({ halves: null, single: ['run', '--project', 'app', '-t', 'watchlist'] })
    expect(plan(['--project=unit'], '/tmp/blobs')).toMatchObject({ halves: null, single: ['run', '--project=unit'] })
  })
})

describe('the order files start in (test/support/sequencer.ts)', () => {
  const root = '/repo'
  const spec = (file: string, project: string, groupOrder: number) =>
    ({ moduleId: join(root, file), project: { name: project, config: { sequence: { groupOrder }, isolate: false } } }) as unknown as TestSpecification
  // A clean clone: no durations from a previous run, only file sizes (the base sequencer runs larger files first).
  const sizes: Record<string, number> = { 'ops:test/ops/npm-start.test.ts': 7_000, 'ops:test/ops/cdktf-transcoder.test.ts': 15_000, 'ops:test/ops/workflows.test.ts': 12_000, 'app:test/app/faults.test.ts': 9_000, 'app:test/app/pages.test.ts': 20_000 }
  const ctx = { config: { root }, cache: { getFileTestResults: () => undefined, getFileStats: (key: string) => ({ size: sizes[key] ?? 1 }) } } as unknown as Vitest

  it('should start each project\'s known-long files first, keep projects in their group order, and the rest largest first', async () => {
    const files = [spec('test/ops/workflows.test.ts', 'ops', 3), spec('test/ops/npm-start.test.ts', 'ops', 3), spec('test/app/pages.test.ts', 'app', 1), spec('test/ops/cdktf-transcoder.test.ts', 'ops', 3), spec('test/app/faults.test.ts', 'app', 1)]
    const order = (await new LongFirstSequencer(ctx).sort(files)).map((file) => file.moduleId.slice(root.length + 1))
    expect(order).toEqual(['test/app/faults.test.ts', 'test/app/pages.test.ts', 'test/ops/npm-start.test.ts', 'test/ops/cdktf-transcoder.test.ts', 'test/ops/workflows.test.ts'])
  })

  it('should name only test files that exist', () => {
    for (const file of LONG_FIRST) expect(existsSync(file), file).toBe(true)
  })
})
