/**
 * `npm test`: every project of vitest.config.ts (unit, app, workerd, ops, e2e), as CI runs it (.ci/run).
 *
 * The machine has two cores and the projects want them differently: the browser tests spend most of their time in
 * Chromium and the dev stacks, the others in Node, workerd and DynamoDB Local. One vitest runs its projects' groups
 * one after the other; two side by side keep both cores busy (docs/testing.md has the numbers). So this runs two
 * vitest processes at once — the "server" half and the "browser" half, each writing vitest's blob report — then
 * prints one report from both with the reporters asked for (`npm test -- --reporter=json --outputFile.json=…` works
 * as with vitest itself) and exits non-zero if anything failed.
 *
 * File filters and other options go to both halves (a half with no file to run starts nothing); given `--project` or
 * `--merge-reports`, it is plain `vitest run` with those arguments (one process).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const VITEST = join(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs')

/** Which projects each half runs (in vitest.config.ts's group order within the half). */
export const HALVES = [
  { name: 'server', projects: ['unit', 'app', 'workerd', 'ops'] },
  { name: 'browser', projects: ['e2e'] },
] as const

/** Options that say how to report (they go to the final report, not to the halves). */
const REPORTING = /^--(reporter|outputFile)(\.|=|$)/

export interface Plan {
  /** The halves' own arguments, or null: run vitest once with `single` (the projects were chosen). */
  halves: { name: string; args: string[] }[] | null
  single: string[]
  report: string[]
}

/** Splits the command line: what selects or configures the run goes to each half, how to report to the merge. */
export function plan(args: string[], blobDir: string): Plan {
  const chosen = args.some((arg) => arg === '--project' || arg.startsWith('--project=') || arg.startsWith('--merge-reports'))
  if (chosen) return { halves: null, single: ['run', ...args], report: [] }
  const report: string[] = []
  const rest: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!REPORTING.test(arg)) {
      rest.push(arg)
      continue
    }
    report.push(arg)
    // `--reporter json` (a separate value) rather than `--reporter=json`.
    if (!arg.includes('=') && i + 1 < args.length && !args[i + 1]!.startsWith('-')) report.push(args[++i]!)
  }
  const halves = HALVES.map((half) => ({
    name: half.name,
    args: [
      'run',
      ...half.projects.flatMap((project) => ['--project', project]),
      '--passWithNoTests',
      '--reporter=./test/support/progress-reporter.ts',
      '--reporter=blob',
      `--outputFile.blob=${join(blobDir, `${half.name}.json`)}`,
      ...rest,
    ],
  }))
  return { halves, single: [], report: ['--merge-reports', blobDir, ...(report.length > 0 ? report : ['--reporter=default'])] }
}

function vitest(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; exit: Promise<number> } {
  const child = spawn(process.execPath, [VITEST, ...args], { stdio: 'inherit', env })
  const exit = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))
  return { child, exit }
}

async function main(): Promise<number> {
  const blobDir = mkdtempSync(join(tmpdir(), 'flixpeek-test-'))
  const running: ChildProcess[] = []
  // Ctrl-C reaches the halves from the terminal themselves (one process group); wait for them to tear down.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => running.forEach((child) => child.kill('SIGTERM')))
  try {
    const { halves, single, report } = plan(process.argv.slice(2), blobDir)
    if (!halves) return await vitest(single).exit
    const started = halves.map((half) => vitest(half.args, { ...process.env, TEST_HALF: half.name }))
    running.push(...started.map((s) => s.child))
    const codes = await Promise.all(started.map((s) => s.exit))
    running.length = 0
    const merged = await vitest(report).exit
    return Math.max(merged, ...codes)
  } finally {
    rmSync(blobDir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main()
