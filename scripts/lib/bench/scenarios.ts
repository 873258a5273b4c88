/**
 * The steps of a bench run that talk to the worker: finding ids, signing up the bench user,
 * loading one route (warm, then measured with the workerd CPU time around it), the cold burst.
 */
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import { ROOT } from '../dev-stack'
import { spawnGroup, waitUntil } from '../processes'
import { burst, probe } from './http'
import { runLoad, type LoadGenerator } from './load'
import type { ColdBurstFigure, RouteFigure } from './report'
import { requestHeaders, type BenchIds, type RouteSpec } from './routes'
import { cpuMs, startRuntime, type Runtime, type RuntimeOptions } from './runtime'
import { SETTLE_MS } from '../../../src/watchlist/list-memo'

/** Wraps an undo step so that calling it again (cleanup after an early stop) does nothing. */
export function once(dispose: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined
  return () => (done ??= dispose())
}

export interface LoadSettings {
  generator: LoadGenerator
  connections: number
  seconds: number
}

async function json<T>(url: string, options: Parameters<typeof probe>[1] = {}): Promise<T> {
  const answer = await probe(url, options)
  if (answer.status >= 300) throw new Error(`${options.method ?? 'GET'} ${new URL(url).pathname} answered ${answer.status}: ${answer.body.slice(0, 300)}`)
  return JSON.parse(answer.body) as T
}

interface MovieList {
  results: { id: number; genre_ids: number[] }[]
}

/** The first popular film and its first genre: ids that exist in whatever catalog is loaded. */
export async function findIds(baseUrl: string): Promise<BenchIds & { popular: number[] }> {
  const popular = await json<MovieList>(`${baseUrl}/api/v1/movies/popular`)
  const first = popular.results.find((movie) => movie.genre_ids.length > 0)
  if (!first) throw new Error('the popular list is empty: no film to bench')
  return { filmId: first.id, genreId: first.genre_ids[0]!, popular: popular.results.map((movie) => movie.id) }
}

/** Signs a fresh bench user up through the worker and puts a few films on their list; returns the bearer token. */
export async function signUpBenchUser(baseUrl: string, filmIds: number[]): Promise<string> {
  const session = await json<{ token: string }>(`${baseUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: `bench-${randomUUID()}@example.com`, password: `bench-${randomUUID()}` }),
  })
  for (const id of filmIds) {
    const added = await probe(`${baseUrl}/api/v1/me/watchlist/${id}`, { method: 'PUT', headers: { Authorization: `Bearer ${session.token}` } })
    if (added.status !== 200 && added.status !== 201) throw new Error(`adding film ${id} to the bench user's list answered ${added.status}`)
  }
  // A list read soon after its last change is not memoised (src/watchlist/list-memo.ts: the index may lag), so
  // measuring at once would time a user who is editing their list right now; the bench measures the usual case.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 1000))
  return session.token
}

/**
 * Warms the route (a few single requests, then a short run at the same concurrency, so the JIT and
 * caches are hot), then measures it. CPU per request is the workerd process's CPU time over the
 * measured run divided by the requests answered: it includes Miniflare's entry worker and the
 * runtime's own work, as the bare route's figure does.
 */
export async function measureRoute(
  runtime: Runtime,
  route: RouteSpec,
  ids: BenchIds,
  token: string | undefined,
  settings: LoadSettings,
  loadAverage1: () => number,
): Promise<Omit<RouteFigure, 'ofBare'>> {
  const headers = requestHeaders(route, token)
  const path = route.path(ids)
  const url = `${runtime.url}${path}`
  // A route that does not answer within 15 s (a blackholed data store with no deadline) is
  // recorded as status 0; wrk then counts nothing, as it reports no timeouts when nothing completes.
  const first = await probe(url, { headers, timeoutMs: 15_000 }).catch(() => ({ status: 0, bytes: 0 }))
  for (let i = 0; i < 5 && first.status !== 0; i++) await probe(url, { headers, timeoutMs: 15_000 }).catch(() => undefined)
  const warmSeconds = Math.max(1, Math.min(3, Math.round(settings.seconds / 5)))
  await runLoad(settings.generator, { url, headers, connections: settings.connections, seconds: warmSeconds })
  const startLoad = loadAverage1()
  const cpuBefore = cpuMs(runtime.workerdPid)
  const load = await runLoad(settings.generator, { url, headers, connections: settings.connections, seconds: settings.seconds })
  const cpuUsed = cpuMs(runtime.workerdPid) - cpuBefore
  return {
    name: route.name,
    label: route.label,
    path,
    signedIn: Boolean(route.signedIn),
    status: first.status,
    bytes: first.bytes,
    ...load,
    cpuMsPerRequest: load.requests > 0 ? cpuUsed / load.requests : NaN,
    loadAverage1: startLoad,
  }
}

/** A TMDB film the fake serves (test/fixtures/tmdb/movie-11.json). */
const COLD_FILM = 11
const UPSTREAM_DELAY_MS = 500

/**
 * 1,000 requests at once for one film nobody asked for yet, on a fresh instance (empty KV) whose
 * TMDB answers slowly: every one must be a 200 with the same body, and the upstream calls are counted.
 */
export async function coldBurst(runtimeOptions: Omit<RuntimeOptions, 'bareScript'>, count: number, track: (dispose: () => Promise<void>) => void): Promise<ColdBurstFigure> {
  let url = ''
  const child = spawnGroup('fake TMDB', process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/lib/bench/fake-tmdb-runner.ts')], {
    cwd: ROOT,
    onStdout(chunk) {
      url ||= (/\{"url":"([^"]+)"\}/.exec(chunk)?.[1] ?? '')
    },
  })
  track(once(() => child.stop()))
  await waitUntil('fake TMDB', async () => url !== '', { child, timeoutMs: 30_000 })
  const tmdb = { url }
  const control = (body: unknown) => json(`${tmdb.url.replace(/\/3$/, '')}/__control`, { method: 'POST', body: JSON.stringify(body) })
  await control({ mode: 'slow', delayMs: UPSTREAM_DELAY_MS })
  const runtime = await startRuntime({
    ...runtimeOptions,
    bindings: { ...runtimeOptions.bindings, TMDB_API_KEY: 'bench', TMDB_BASE_URL: tmdb.url },
  })
  track(once(() => runtime.dispose()))
  const stats = () => json<{ total: number; byPath: Record<string, number> }>(`${tmdb.url.replace(/\/3$/, '')}/__stats`)
  const before = await stats()
  const path = `/api/v1/movies/${COLD_FILM}`
  const result = await burst(`${runtime.url}${path}`, count)
  const after = await stats()
  const resource = `/3/movie/${COLD_FILM}`
  return {
    path,
    requests: result.requests,
    statuses: result.statuses,
    otherSamples: result.otherSamples,
    allOk: result.statuses['200'] === count,
    identicalBodies: result.distinctBodies === 1,
    upstreamDelayMs: UPSTREAM_DELAY_MS,
    upstreamCalls: after.total - before.total,
    upstreamCallsForResource: (after.byPath[resource] ?? 0) - (before.byPath[resource] ?? 0),
    wallMs: result.wallMs,
  }
}
