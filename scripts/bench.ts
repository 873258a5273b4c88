/**
 * `npm run bench`: the worker as it ships (bundled by the project's wrangler) on workerd through
 * the project's Miniflare, with no dev proxy, beside a bare Hono route on the same runtime; then
 * the same app on Node (`npm run build:node`'s server) for the `node-*` routes.
 * Loads each route at a fixed concurrency, prints a table and writes bench/results.json.
 * See docs/performance.md for the method.
 *
 * Environment: BENCH_DURATION (s per route, default 10), BENCH_CONNECTIONS (default 32),
 * BENCH_ROUTES (comma-separated names, default all; `bare` always runs), BENCH_OUT (default
 * bench/results.json), BENCH_LOADGEN=node (skip wrk), BENCH_BURST (cold-burst size, default 1000).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEFAULT_PREFIX } from '../infra/resources'
import { startLocalAws, LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws'
import { bundleBareHono, bundleWorker, compatibilityDate } from './lib/bench/bundle'
import { pickGenerator } from './lib/bench/load'
import { burstLine, loadAverage, machine, table, versions, writeResults, type Results, type RouteFigure } from './lib/bench/report'
import { selectRoutes, type Instance } from './lib/bench/routes'
import { startRuntime, type RuntimeOptions } from './lib/bench/runtime'
import { startNodeRuntime } from './lib/bench/node-runtime'
import { coldBurst, findIds, measureRoute, once, signUpBenchUser, type LoadSettings } from './lib/bench/scenarios'
import { refusedEndpoint, startBlackhole } from './lib/bench/stubs'
import { benchLifecycle, positiveInt } from './lib/bench/lifecycle'

/** Undo steps, run newest first, once: on success, on error and on SIGINT/SIGTERM. */
const { track, run } = benchLifecycle()

async function main(): Promise<void> {
  const settings: LoadSettings = {
    generator: pickGenerator(),
    connections: positiveInt('BENCH_CONNECTIONS', 32),
    seconds: positiveInt('BENCH_DURATION', 10),
  }
  const burstSize = positiveInt('BENCH_BURST', 1000)
  const out = process.env.BENCH_OUT || 'bench/results.json'
  const { routes, coldBurst: wantBurst } = selectRoutes(process.env.BENCH_ROUTES)
  const workerDate = compatibilityDate()
  const startLoadAverage = loadAverage()
  const log = (line: string) => console.error(`[bench] ${line}`)

  const dir = mkdtempSync(join(tmpdir(), 'flixpeek-bench-'))
  track(async () => rmSync(dir, { recursive: true, force: true }))
  log(`bundling the worker with wrangler into ${dir}`)
  const [bundle, bareScript] = await Promise.all([bundleWorker(dir), bundleBareHono(dir)])

  const needsAws = routes.some((route) => route.needsAws) || wantBurst
  const baseVars = { ENVIRONMENT: 'development', JWT_SECRET: 'bench-jwt-secret-that-is-at-least-32-bytes-long' }
  let awsVars: Record<string, string>
  if (needsAws) {
    log('starting DynamoDB Local and fauxqs')
    const aws = await startLocalAws({ dataDir: null })
    track(() => aws.stop())
    awsVars = aws.vars
  } else {
    // Nothing selected touches the data store; point it at a closed port rather than at AWS.
    const nowhere = await refusedEndpoint()
    awsVars = {
      AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      DYNAMODB_ENDPOINT: nowhere, SNS_ENDPOINT: nowhere, SQS_ENDPOINT: nowhere, DYNAMODB_TABLE: DEFAULT_PREFIX,
    }
  }
  const runtimeOptions = (dynamodb?: string): RuntimeOptions => ({
    bundle,
    compatibilityDate: workerDate,
    bindings: { ...baseVars, ...awsVars, ...(dynamodb ? { DYNAMODB_ENDPOINT: dynamodb } : {}) },
  })

  log(`serving it with Miniflare beside a bare Hono app; ${settings.generator}, ${settings.connections} connections, ${settings.seconds} s per route`)
  const main = await startRuntime({ ...runtimeOptions(), bareScript })
  track(once(() => main.dispose()))
  const ids = await findIds(main.url)
  const token = routes.some((route) => route.signedIn) ? await signUpBenchUser(main.url, ids.popular.slice(0, 5)) : undefined

  const figures: Omit<RouteFigure, 'ofBare'>[] = []
  const instances: Instance[] = ['main', 'dynamodb-refused', 'dynamodb-blackholed', 'node']
  for (const instance of instances) {
    const here = routes.filter((route) => route.instance === instance)
    if (here.length === 0) continue
    let runtime = main
    let stop = async () => {}
    if (instance === 'node') {
      log('building and starting the Node runtime (dist/server.js) on the same data store')
      runtime = await startNodeRuntime(runtimeOptions().bindings)
      stop = once(() => runtime.dispose())
      track(stop)
    } else if (instance !== 'main') {
      const blackhole = instance === 'dynamodb-blackholed' ? await startBlackhole() : undefined
      const endpoint = blackhole ? blackhole.endpoint : await refusedEndpoint()
      runtime = await startRuntime(runtimeOptions(endpoint))
      stop = once(async () => {
        await runtime.dispose()
        await blackhole?.close()
      })
      track(stop)
    }
    for (const route of here) {
      log(`${route.name}: ${route.path(ids)}`)
      figures.push(await measureRoute(runtime, route, ids, token, settings, () => loadAverage()[0]!))
    }
    if (instance !== 'main') await stop()
  }
  const bareRps = figures.find((figure) => figure.name === 'bare')?.rps
  const results: Results = {
    generatedAt: new Date().toISOString(),
    machine: { ...machine(), loadAverage: { start: startLoadAverage, end: [] } },
    versions: versions(),
    settings: { durationSeconds: settings.seconds, connections: settings.connections, loadGenerator: settings.generator, routesFilter: process.env.BENCH_ROUTES || null },
    routes: figures.map((figure) => ({ ...figure, ofBare: bareRps ? figure.rps / bareRps : null })),
    coldBurst: null,
  }
  if (wantBurst) {
    log(`cold burst: ${burstSize} concurrent requests against a slow fake TMDB`)
    results.coldBurst = await coldBurst(runtimeOptions(), burstSize, track)
  }
  results.machine.loadAverage.end = loadAverage()
  const file = writeResults(out, results)
  console.log(table(results.routes))
  if (results.coldBurst) console.log(`\n${burstLine(results.coldBurst)}`)
  console.log(`\n${results.machine.cpuModel}, ${results.machine.cores} cores; load average ${startLoadAverage.join(' ')} at start, ${results.machine.loadAverage.end.join(' ')} at end`)
  console.log(`wrote ${resolve(file)}`)
}

await run(main)
