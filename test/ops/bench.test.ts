import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import type { Results } from '../../scripts/lib/bench/report'

const ROOT = resolve(import.meta.dirname ?? '.', '../..')
const dir = mkdtempSync(join(tmpdir(), 'flixpeek-bench-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `npm run bench` (what npm execs) to the end with these settings; resolves with its exit code and output. */
function bench(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench.ts'], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => done({ code, output }))
  })
}

it('measures the chosen routes beside the bare route, prints the table and writes valid results', async () => {
  const out = join(dir, 'results.json')
  const { code, output } = await bench({ BENCH_DURATION: '1', BENCH_CONNECTIONS: '4', BENCH_ROUTES: 'api-popular', BENCH_OUT: out })
  expect(code, output).toBe(0)

  const results = JSON.parse(readFileSync(out, 'utf8')) as Results
  expect(results.machine.cores).toBeGreaterThan(0)
  expect(results.machine.loadAverage.start).toHaveLength(3)
  expect(Object.keys(results.versions)).toEqual(expect.arrayContaining(['node', 'wrangler', 'workerd', 'hono']))
  expect(results.settings).toMatchObject({ durationSeconds: 1, connections: 4, routesFilter: 'api-popular' })
  expect(results.routes.map((route) => route.name)).toEqual(['bare', 'api-popular'])
  for (const route of results.routes) {
    expect(route.status).toBe(200)
    expect(route.bytes).toBeGreaterThan(0)
    expect(route.requests).toBeGreaterThan(0)
    expect(route.rps).toBeGreaterThan(0)
    expect(route.p99Ms).toBeGreaterThanOrEqual(route.p50Ms)
    expect(route.cpuMsPerRequest).toBeGreaterThan(0)
    expect(route.non2xx + route.errors).toBe(0)
  }
  const [bare, popular] = results.routes
  expect(bare!.ofBare).toBe(1)
  expect(popular!.ofBare).toBeCloseTo(popular!.rps / bare!.rps)
  // The API answers JSON, much larger than the bare route's one line of HTML.
  expect(popular!.bytes).toBeGreaterThan(bare!.bytes * 10)
  expect(results.coldBurst).toBeNull()

  expect(output).toMatch(/\| `GET \/api\/v1\/movies\/popular` \| 200 \|/)
  // The temporary bundle folder is gone once the bench ends.
  const bundleDir = /bundling the worker with wrangler into (\S+)/.exec(output)?.[1]
  expect(bundleDir).toBeDefined()
  expect(existsSync(bundleDir!)).toBe(false)
}, 90_000)

it('refuses an unknown route name with a one-line message', async () => {
  const { code, output } = await bench({ BENCH_ROUTES: 'nope', BENCH_OUT: join(dir, 'unused.json') })
  expect(code).toBe(1)
  expect(output).toContain('BENCH_ROUTES: unknown route(s) nope')
  expect(existsSync(join(dir, 'unused.json'))).toBe(false)
}, 30_000)
