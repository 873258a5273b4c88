import { describe, expect, it } from 'vitest'
import { HALVES, plan } from '../../scripts/test'

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
