/**
 * `npm run bench:media`, first half: what the media route costs on workerd. The bundled worker (as it ships) and a
 * bare Hono route share one Miniflare, one R2 bucket and the same 2 MB segments; the route is asked for a segment its
 * edge cache holds (hit) and for segments it has never seen (miss: store read, cache write, answer), the bare route
 * reads the same object from the bucket and streams it. Per case: CPU of the whole workerd process per request (our
 * worker, Miniflare's entry worker and its cache and R2 simulators, which share the process) and bytes/s; then the
 * same cases again under V8's sampling profiler, for the JavaScript time of our worker's isolate alone and where it
 * goes (the trace that explains a miss of the ≤ 1 ms goal).
 */
import { randomBytes } from 'node:crypto'
import { Agent, request } from 'node:http'
import { mintPlaybackToken } from '../../../src/playback/token'
import { playerObjectKey } from '../../../src/media/keys'
import { bundleBare, type WorkerBundle } from './bundle'
import { moduleIndex, startProfiler, summarize } from './profile'
import { BARE_HOST, cpuMs, startRuntime, type Runtime } from './runtime'
import { freePort } from '../processes'

export const SEGMENT_BYTES = 2 * 1024 * 1024
const VIDEO_ID = '01JBENCHMED1A0000000000000'
const BUCKET = { MEDIA: 'bench-media' }

/** The bare route: the object from the same bucket, streamed with a type and a length, nothing else. */
const BARE_MEDIA_SOURCE = `import { Hono } from 'hono'
const app = new Hono()
app.get('/media/*', async (c) => {
  const object = await c.env.MEDIA.get(c.req.path.slice('/media/'.length))
  if (!object) return c.notFound()
  return new Response(object.body, { headers: { 'Content-Type': 'video/mp4', 'Content-Length': String(object.size) } })
})
export default app
`

export interface ServingCase {
  name: 'hit' | 'miss' | 'bare'
  label: string
  requests: number
  connections: number
  /** Answers that were not 200 with the whole segment. */
  failures: number
  /** X-Media-Cache of the answers (the route's own; none for the bare route). */
  cacheHeaders: Record<string, number>
  seconds: number
  bytesPerSecond: number
  /** CPU of the whole workerd process (every worker and simulator in it), per request. */
  processCpuMsPerRequest: number
  /** JavaScript time sampled in the isolate that served it (ours, or the bare app's), per request: a second pass. */
  isolateJsMsPerRequest: number
  /** Where that isolate's time went: [function · module, ms, share], by self time and by inclusive time. */
  top: [string, number, number][]
  inclusive: [string, number, number][]
}

export interface ServingResult {
  segmentBytes: number
  cases: ServingCase[]
}

interface Pass {
  requests: number
  failures: number
  cacheHeaders: Record<string, number>
  seconds: number
  bytes: number
  cpuMs: number
}

/** Fetches every URL once, `connections` at a time on keep-alive sockets; counts bytes, failures and cache headers. */
async function pass(runtime: Runtime, urls: string[], host: string | undefined, connections: number): Promise<Pass> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const result: Pass = { requests: urls.length, failures: 0, cacheHeaders: {}, seconds: 0, bytes: 0, cpuMs: 0 }
  const queue = [...urls]
  const one = (url: string) =>
    new Promise<void>((resolve) => {
      const req = request(url, { agent, headers: host ? { Host: host } : {} }, (res) => {
        let size = 0
        res.on('data', (chunk: Buffer) => (size += chunk.length))
        res.on('end', () => {
          result.bytes += size
          if (res.statusCode !== 200 || size !== SEGMENT_BYTES) result.failures += 1
          const cache = res.headers['x-media-cache']
          if (typeof cache === 'string') result.cacheHeaders[cache] = (result.cacheHeaders[cache] ?? 0) + 1
          resolve()
        })
      })
      req.on('error', () => {
        result.failures += 1
        resolve()
      })
      req.end()
    })
  const cpuBefore = cpuMs(runtime.workerdPid)
  const started = performance.now()
  await Promise.all(Array.from({ length: connections }, async () => {
    for (let url = queue.shift(); url; url = queue.shift()) await one(url)
  }))
  result.seconds = (performance.now() - started) / 1000
  result.cpuMs = cpuMs(runtime.workerdPid) - cpuBefore
  agent.destroy()
  return result
}

export interface ServingOptions {
  bundle: WorkerBundle
  dir: string
  compatibilityDate: string
  /** The worker's bindings (a JWT_SECRET among them) */
  bindings: Record<string, string>
  /** Requests per case (hits, misses: one distinct segment each, bare). */
  requests: number
  connections: number
  log: (line: string) => void
}

export async function measureServing(o: ServingOptions): Promise<ServingResult> {
  const bareScript = await bundleBare(o.dir, 'bare-media.js', BARE_MEDIA_SOURCE)
  const runtime = await startRuntime({ bundle: o.bundle, compatibilityDate: o.compatibilityDate, bindings: o.bindings, bareScript, r2Buckets: BUCKET, inspectorPort: await freePort() })
  try {
    const bucket = await runtime.miniflare!.getR2Bucket('MEDIA', 'app')
    const segment = (n: number) => `v1/v720/seg_${String(n).padStart(5, '0')}.m4s`
    // Segment 0 is the one every hit asks for; each miss asks a segment of its own (2 passes of them).
    const names = Array.from({ length: 1 + 2 * o.requests }, (_, n) => segment(n))
    o.log(`storing ${names.length} segments of ${SEGMENT_BYTES / 1024 / 1024} MB in the local R2 bucket`)
    // A plain Uint8Array: Miniflare's proxy refuses a Node Buffer (a view into a shared pool).
    const bytes = new Uint8Array(randomBytes(SEGMENT_BYTES))
    for (const name of names) await bucket.put(playerObjectKey(VIDEO_ID, name), bytes)
    const token = await mintPlaybackToken(o.bindings.JWT_SECRET!, { videoId: VIDEO_ID, viewer: 'bench', expires: Math.floor(Date.now() / 1000) + 3600 })
    const routeUrl = (name: string) => `${runtime.url}/media/t/${token}/${VIDEO_ID}/${name}`
    const bareUrl = `${runtime.url}/media/${playerObjectKey(VIDEO_ID, segment(0))}`

    const urlsFor = (kind: ServingCase['name'], round: 0 | 1): string[] => {
      if (kind === 'hit') return Array.from({ length: o.requests }, () => routeUrl(segment(0)))
      if (kind === 'bare') return Array.from({ length: o.requests }, () => bareUrl)
      return Array.from({ length: o.requests }, (_, i) => routeUrl(segment(1 + round * o.requests + i)))
    }
    const hostOf = (kind: ServingCase['name']) => (kind === 'bare' ? BARE_HOST : undefined)
    // Warm both isolates (JIT, the token key's import) and put segment 0 in the edge cache.
    await pass(runtime, Array.from({ length: 10 }, () => routeUrl(segment(0))), undefined, o.connections)
    await pass(runtime, Array.from({ length: 10 }, () => bareUrl), BARE_HOST, o.connections)

    const moduleOf = moduleIndex(o.bundle.main)
    const cases: ServingCase[] = []
    const labels = { hit: 'media route, edge-cache hit', miss: 'media route, miss (store → cache → answer)', bare: 'bare Hono route, same object from R2' }
    for (const kind of ['hit', 'miss', 'bare'] as const) {
      o.log(`${labels[kind]}: ${o.requests} requests, ${o.connections} at a time`)
      const plain = await pass(runtime, urlsFor(kind, 0), hostOf(kind), o.connections)
      // The second pass, under the profiler of the isolate that serves it (workerd names them core:user:<worker>).
      const inspector = runtime.inspectorUrl!.replace(/core:user:app$/, kind === 'bare' ? 'core:user:bare' : 'core:user:app')
      const stop = await startProfiler(inspector)
      const traced = await pass(runtime, urlsFor(kind, 1), hostOf(kind), o.connections)
      const summary = summarize(await stop(), moduleOf, 25)
      cases.push({
        name: kind,
        label: labels[kind],
        requests: plain.requests,
        connections: o.connections,
        failures: plain.failures + traced.failures,
        cacheHeaders: plain.cacheHeaders,
        seconds: plain.seconds,
        bytesPerSecond: plain.bytes / plain.seconds,
        processCpuMsPerRequest: plain.cpuMs / plain.requests,
        isolateJsMsPerRequest: summary.sampledMs / traced.requests,
        top: summary.selfByFunction.slice(0, 12),
        inclusive: summary.inclusiveByFunction.slice(0, 16),
      })
    }
    return { segmentBytes: SEGMENT_BYTES, cases }
  } finally {
    await runtime.dispose()
  }
}
