/**
 * `npm run bench:profile -- /movies/943535832 [--signed-in]`: one route of the bench under load
 * with the V8 sampling profiler on, inside workerd; prints where the worker's CPU time goes
 * (by function, self and inclusive, and by source module). Same setup as `npm run bench`
 * (bundled worker, Miniflare, DynamoDB Local). BENCH_DURATION (default 10), BENCH_CONNECTIONS (default 8);
 * PAGE_CACHE=off profiles the uncached render of an anonymous page; PROFILE_OUT=<file> keeps the raw profile.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, stopAllChildren } from './lib/processes'
import { startLocalAws } from './local-aws'
import { bundleWorker, compatibilityDate } from './lib/bench/bundle'
import { pickGenerator, runLoad } from './lib/bench/load'
import { moduleIndex, startProfiler, summarize } from './lib/bench/profile'
import { startRuntime } from './lib/bench/runtime'
import { findIds, signUpBenchUser } from './lib/bench/scenarios'

const args = process.argv.slice(2)
const signedIn = args.includes('--signed-in')
const paths = args.filter((arg) => arg.startsWith('/'))
if (paths.length === 0) {
  console.error('usage: npm run bench:profile -- <path> [<path>…] [--signed-in]   (e.g. / or /movies/<id>)')
  process.exit(2)
}
const seconds = Number(process.env.BENCH_DURATION) || 10
const connections = Number(process.env.BENCH_CONNECTIONS) || 8

const cleanups: (() => Promise<void>)[] = []
const cleanUp = async () => {
  for (const dispose of cleanups.splice(0).reverse()) await dispose().catch(() => {})
  await stopAllChildren()
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().then(() => process.exit(130)))
const log = (line: string) => console.error(`[profile] ${line}`)

const table = (title: string, rows: [string, number, number][]) =>
  [`${title}`, ...rows.map(([name, ms, share]) => `  ${(share * 100).toFixed(1).padStart(5)} %  ${String(ms).padStart(6)} ms  ${name}`)].join('\n')

try {
  const dir = mkdtempSync(join(tmpdir(), 'flixpeek-profile-'))
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
  log('bundling')
  const bundle = await bundleWorker(dir)
  log('starting DynamoDB Local')
  const aws = await startLocalAws({ dataDir: null })
  cleanups.push(() => aws.stop())
  const runtime = await startRuntime({
    bundle,
    compatibilityDate: compatibilityDate(),
    bindings: { ENVIRONMENT: 'development', JWT_SECRET: 'bench-jwt-secret-that-is-at-least-32-bytes-long', ...aws.vars, ...(process.env.PAGE_CACHE ? { PAGE_CACHE: process.env.PAGE_CACHE } : {}) },
    inspectorPort: await freePort(),
  })
  cleanups.push(() => runtime.dispose())
  const ids = await findIds(runtime.url)
  const headers: Record<string, string> = signedIn ? { Authorization: `Bearer ${await signUpBenchUser(runtime.url, ids.popular.slice(0, 5))}` } : {}
  const generator = pickGenerator()
  const moduleOf = moduleIndex(bundle.main)
  for (const path of paths) {
    const url = `${runtime.url}${path}`
    await runLoad(generator, { url, headers, connections, seconds: 2 })
    log(`profiling ${path}`)
    const stop = await startProfiler(runtime.inspectorUrl!)
    const load = await runLoad(generator, { url, headers, connections, seconds })
    const profile = await stop()
    // PROFILE_OUT: also keep the raw profile (Chrome DevTools' .cpuprofile format) for a closer look.
    if (process.env.PROFILE_OUT) {
      writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile))
      copyFileSync(bundle.main, `${process.env.PROFILE_OUT}.worker.js`)
    }
    const summary = summarize(profile, moduleOf)
    const perRequest = load.requests ? (summary.sampledMs / load.requests).toFixed(2) : '–'
    console.log(`\n## ${path}${signedIn ? ' (signed in)' : ''}: ${load.requests} requests, ${Math.round(load.rps)} req/s; ${summary.sampledMs} ms of JS CPU sampled (${perRequest} ms/request)`)
    console.log(table('By module (self):', summary.selfByModule.slice(0, 15)))
    console.log(table('By function (inclusive):', summary.inclusiveByFunction))
    console.log(table('By function (self):', summary.selfByFunction.slice(0, 15)))
  }
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  await cleanUp()
}
