/**
 * `npm run bench:media`: what serving video costs and how soon it starts (docs/performance.md, "Media").
 *  1. Serving (scripts/lib/bench/media-serving.ts): a 2 MB segment from the media route on workerd, as an edge-cache
 *     hit and as a miss, beside a bare Hono route streaming the same object from the same R2 bucket: CPU per request
 *     and bytes/s; then the same under V8's profiler, for our isolate's own time and where it goes.
 *  2. Start-up (scripts/lib/bench/media-start.ts): time to first frame in Chromium through a 5 Mb/s, 40 ms link.
 * Reported, not gated (goals: ≤ 1 ms CPU on a hit, median start ≤ 1 s). Writes bench/media.json.
 *
 * Environment: BENCH_MEDIA_PARTS (serving,start; default both), BENCH_MEDIA_REQUESTS (per serving case, default 200),
 * BENCH_MEDIA_CONNECTIONS (default 4), BENCH_MEDIA_STARTS (default 20), BENCH_MEDIA_OUT (default bench/media.json),
 * BENCH_HLS_CONFIG (hls.js options for the starts, a JavaScript object literal such as `{startLevel:1}`: to try one).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEFAULT_PREFIX } from '../infra/resources'
import { LOCAL_CREDENTIALS, LOCAL_REGION, SetupError } from './local-aws'
import { bundleWorker, compatibilityDate } from './lib/bench/bundle'
import { measureServing, type ServingResult } from './lib/bench/media-serving'
import { measureStarts, type StartResult } from './lib/bench/media-start'
import { loadAverage, machine, versions, writeResults } from './lib/bench/report'
import { refusedEndpoint } from './lib/bench/stubs'
import { benchLifecycle, positiveInt } from './lib/bench/lifecycle'

const { track, run } = benchLifecycle()
const log = (line: string) => console.error(`[bench:media] ${line}`)

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB/s`
function servingTable(serving: ServingResult): string {
  const lines = [
    `2 MB segment (${serving.segmentBytes} bytes) | requests | bytes/s | workerd CPU ms/req | our isolate's JS ms/req (profiled) | X-Media-Cache | failures`,
    '---|---|---|---|---|---|---',
  ]
  for (const c of serving.cases) {
    const cache = Object.entries(c.cacheHeaders).map(([value, n]) => `${n} ${value}`).join(', ') || '–'
    lines.push(`${c.label} | ${c.requests} × ${c.connections} at a time | ${mb(c.bytesPerSecond)} | ${c.processCpuMsPerRequest.toFixed(2)} | ${c.isolateJsMsPerRequest.toFixed(2)} | ${cache} | ${c.failures}`)
  }
  const hit = serving.cases.find((c) => c.name === 'hit')
  // The trace of a hit: where our isolate's time went, per request (inclusive: a function with what it called).
  const trace = hit ? hit.inclusive.filter(([name]) => !/^\((root|anonymous)\)/.test(name)).slice(0, 10).map(([name, ms]) => `  ${(ms / hit.requests).toFixed(2)} ms  ${name}`) : []
  return [...lines.map((line) => `| ${line} |`), ...(hit ? ['', 'a hit in our isolate, inclusive ms per request (profiled):', ...trace] : [])].join('\n')
}

function startLines(start: StartResult): string {
  const times = start.starts.map((s) => (s.ms === null ? 'none' : String(s.ms)))
  return [
    `time to first frame, ${start.starts.length} starts through ${start.link.bitsPerSecond / 1e6} Mb/s and ${start.link.rttMs} ms RTT: median ${start.medianMs ?? '–'} ms, p90 ${start.p90Ms ?? '–'} ms (goal: median ≤ ${start.goalMs} ms)`,
    `  each (ms): ${times.join(', ')}`,
    `  first frame from: ${[...new Set(start.starts.map((s) => `${s.height}p`))].join(', ')} of the ladder ${start.ladder.map((h) => `${h}p`).join(' / ')}; ${Math.round(start.starts.reduce((sum, s) => sum + s.bytes, 0) / start.starts.length / 1000)} kB per start`,
    `  the first start, filling the edge cache: ${start.coldEdge.ms ?? 'no frame'} ms; the media route said ${Object.entries(start.edgeCache).map(([v, n]) => `${n} ${v}`).join(', ')}`,
    `  load average ${start.loadAverage.start.join(' ')} before the starts, ${start.loadAverage.end.join(' ')} after`,
  ].join('\n')
}

async function main(): Promise<void> {
  const parts = new Set((process.env.BENCH_MEDIA_PARTS || 'serving,start').split(',').map((part) => part.trim()))
  for (const part of parts) if (part !== 'serving' && part !== 'start') throw new SetupError(`BENCH_MEDIA_PARTS: unknown part "${part}" (serving, start)`)
  const out = process.env.BENCH_MEDIA_OUT || 'bench/media.json'
  const started = loadAverage()
  let serving: ServingResult | null = null
  let start: StartResult | null = null

  if (parts.has('serving')) {
    const dir = mkdtempSync(join(tmpdir(), 'flixpeek-bench-media-'))
    track(() => rmSync(dir, { recursive: true, force: true }))
    log(`bundling the worker with wrangler into ${dir}`)
    const bundle = await bundleWorker(dir)
    // The media route reads no data store: point the AWS endpoints at a closed port rather than at AWS.
    const nowhere = await refusedEndpoint()
    serving = await measureServing({
      bundle,
      dir,
      compatibilityDate: compatibilityDate(),
      bindings: {
        ENVIRONMENT: 'development', JWT_SECRET: 'bench-jwt-secret-that-is-at-least-32-bytes-long',
        AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        DYNAMODB_ENDPOINT: nowhere, SNS_ENDPOINT: nowhere, SQS_ENDPOINT: nowhere, DYNAMODB_TABLE: DEFAULT_PREFIX,
      },
      requests: positiveInt('BENCH_MEDIA_REQUESTS', 200),
      connections: positiveInt('BENCH_MEDIA_CONNECTIONS', 4),
      log,
    })
  }
  if (parts.has('start')) start = await measureStarts({ starts: positiveInt('BENCH_MEDIA_STARTS', 20), log, loadAverage })

  const file = writeResults(out, {
    generatedAt: new Date().toISOString(),
    machine: { ...machine(), loadAverage: { start: started, end: loadAverage() } },
    versions: versions(),
    serving,
    start,
  })
  if (serving) console.log(servingTable(serving))
  if (start) console.log(`\n${startLines(start)}`)
  console.log(`\nload average ${started.join(' ')} at start, ${loadAverage().join(' ')} at end; wrote ${resolve(file)}`)
}

await run(main)
