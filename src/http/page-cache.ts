import { readyMapVersion } from '../videos/ready-map'
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context'
import type { PageCache, Platform } from '../platform'
import { PageMemory, type MemoryEntry } from './page-memory'
import { ASSET_HASHES } from '../../views/assets'
import { getCookie } from 'hono/cookie'
import { SESSION_COOKIE } from '../auth/session'
import { catalogVersionFor } from '../catalog'
import { LANG_COOKIE } from '../i18n/middleware'
import { chooseLocale } from '../i18n/negotiate'
import { REGION_COOKIE } from '../where-to-watch/region'
import { anonymousRegion } from './region'
import { CACHE, declaredPolicy, isShareable } from './cache'
import { TrieRouter } from 'hono/router/trie-router'

/**
 * Anonymous browsing pages and fragments served from the platform's page cache (the Workers Cache
 * API): a visitor without a session gets the same HTML as every other visitor with the same URL,
 * language and htmx headers, so it is rendered once per data centre and kept briefly.
 *
 * What is cached: GET, no signed-in user, status 200, no Set-Cookie, and either HTML whose route's own
 * policy is CACHE.page (browsing pages), or catalog JSON its route marked `public` (the film lists,
 * details and genres of /api/v1, the seed's /movie/:title: the same answer for every caller, CORS `*`).
 * Personal pages (CACHE.personalPage, no-store) and personal JSON (private) never are. The cache is
 * internal: the browser still gets the route's own Cache-Control (a page's `private, no-cache`: the
 * account menu makes every page private to its viewer) and the route's Vary.
 *
 * Two tiers: the isolate's memory (src/http/page-memory.ts, ≤ 8 MB) in front of the platform's cache.
 * Freshness: FRESH_SECONDS, then stale-while-revalidate: the stale copy is served at once and a
 * fresh one rendered after the response (defer), through the app itself (`refresh`).
 * Keys carry the markup, app and catalog versions: the Cache API cannot be purged reliably.
 */

/** Bump when page markup changes in a way neither the asset hashes nor the deployment id show. */
const MARKUP_VERSION = 'm1'
export const FRESH_SECONDS = 30
const STALE_SECONDS = 300

/** Headers of the stored copy that are ours (never sent to a browser). */
const STORED_AT = 'X-Page-Cache-Stored-At'
const STORED_VARY = 'X-Page-Cache-Vary'
const STORED_CACHE_CONTROL = 'X-Page-Cache-Control'
/** Says how a page was served (hit, stale, miss): for the bench and tests, harmless to anyone else. */
export const PAGE_CACHE_HEADER = 'X-Page-Cache'

/** Response headers never stored: per-request or replaced on the way out. */
const NOT_STORED = new Set(['x-request-id', 'cache-control', 'vary', 'set-cookie', 'content-length'])

/** Request headers a page's HTML may depend on for an anonymous visitor (besides the URL). */
const REFRESH_HEADERS = ['Accept', 'Accept-Language', 'HX-Request', 'HX-History-Restore-Request']

export type AppFetch = (request: Request, env: AppEnv['Bindings'], ctx?: ExecutionContext) => Response | Promise<Response>

/** Requests the middleware itself made to refresh a stale entry: rendered and stored, never answered from the cache. */
const refreshRequests = new WeakSet<Request>()
/** Keys being refreshed in this isolate, so a burst of stale hits renders once. */
const refreshing = new Set<string>()

/** A route of the app's table: its method, its path pattern and one of its handlers (Hono's `app.routes`). */
export interface RouteEntry {
  method: string
  path: string
  handler: unknown
}

/**
 * Which GET paths may be looked up in the shared copies: those a route with a shareable policy declared with
 * cached() (src/http/cache.ts) answers. Built once from the route table, on the first request (routes are all
 * mounted by then). Overlapping patterns can only cost a lookup: a copy is stored only of a visitor's 200 that
 * carries the route's shareable policy (`cacheable`), so a URL whose own route declared none is never answered
 * from one. (A router with its own onError wraps its handlers, hiding declarations: the app's routers have none.)
 */
function shareableRoutes(routes: readonly RouteEntry[]): (path: string) => boolean {
  const router = new TrieRouter<true>()
  for (const route of routes) {
    const policy = declaredPolicy(route.handler)
    if (policy && isShareable(policy) && (route.method === 'GET' || route.method === 'ALL')) router.add('GET', route.path, true)
  }
  return (path) => router.match('GET', path)[0].length > 0
}

/** A film's JSON answer and its page: what the ready-video map changes. */
const FILM_PATH = /^\/(?:api\/v1\/)?movies\/\d+$/

function keyOf(c: Context<AppEnv>, platform: Platform, locale: string, region: string): string {
  const url = new URL(c.req.url)
  const catalog = catalogVersionFor(c.get('config'))
  const app = `${MARKUP_VERSION}.${Object.values(ASSET_HASHES).join('.')}${platform.appVersion ? `.${platform.appVersion}` : ''}`
  const htmx = `${c.req.header('HX-Request') === 'true' ? 'f' : 'p'}${c.req.header('HX-History-Restore-Request') === 'true' ? 'r' : ''}`
  // A film's answer carries its video: its key names the films-with-a-ready-video map this isolate knows.
  const library = FILM_PATH.test(url.pathname) ? readyMapVersion() : '-'
  // Every page names the viewer's region (the region menu, the film page's providers URL): a key per region.
  const parts = [app, catalog, library, locale, region, htmx].map(encodeURIComponent).join('/')
  return `${url.origin}/__page-cache/${parts}${url.pathname}${url.search}`
}

function cacheable(c: Context<AppEnv>): boolean {
  const res = c.res
  if (res.status !== 200 || c.get('user') || res.headers.has('Set-Cookie')) return false
  const policy = res.headers.get('Cache-Control') ?? ''
  const type = res.headers.get('Content-Type') ?? ''
  return (policy === CACHE.page.cacheControl && type.startsWith('text/html')) || (policy.startsWith('public') && type.startsWith('application/json'))
}

/** The copy kept in the cache: its own shared max-age (the Cache API honours it), the page's Vary set aside. */
function storedEntry(res: Response, body: ArrayBuffer, now: number): MemoryEntry {
  const headers: [string, string][] = []
  for (const [name, value] of res.headers) if (!NOT_STORED.has(name.toLowerCase())) headers.push([name, value])
  headers.push(['Cache-Control', `public, max-age=${FRESH_SECONDS + STALE_SECONDS}`], [STORED_AT, String(now)])
  headers.push([STORED_CACHE_CONTROL, res.headers.get('Cache-Control') ?? CACHE.page.cacheControl])
  const vary = res.headers.get('Vary')
  if (vary) headers.push([STORED_VARY, vary])
  return { body, headers, storedAt: now }
}

/** What the browser gets from a stored copy: the route's policy and Vary back, our own headers gone. */
function servedCopy(entry: MemoryEntry, state: 'hit' | 'stale'): Response {
  const headers = new Headers(entry.headers)
  const vary = headers.get(STORED_VARY)
  const policy = headers.get(STORED_CACHE_CONTROL) ?? CACHE.page.cacheControl
  headers.delete(STORED_VARY)
  headers.delete(STORED_AT)
  headers.delete(STORED_CACHE_CONTROL)
  headers.set('Cache-Control', policy)
  if (vary) headers.set('Vary', vary)
  headers.set(PAGE_CACHE_HEADER, state)
  return new Response(entry.body, { status: 200, headers })
}

let memory: PageMemory | undefined
/** The isolate's first tier, made on first use. */
const pageMemory = () => (memory ??= new PageMemory())

/** A stored page from memory, else from the platform's cache (then kept in memory too); undefined when neither has a live one. */
async function lookup(store: PageCache, key: string, now: number): Promise<MemoryEntry | undefined> {
  const remembered = pageMemory().get(key)
  if (remembered && now - remembered.storedAt <= (FRESH_SECONDS + STALE_SECONDS) * 1000) return remembered
  const stored = await store.match(key).catch(() => undefined)
  if (!stored) return undefined
  const entry: MemoryEntry = { body: await stored.arrayBuffer(), headers: [...stored.headers], storedAt: Number(stored.headers.get(STORED_AT) ?? 0) }
  pageMemory().set(key, entry)
  return entry
}

function refreshRequest(c: Context<AppEnv>, region: string): Request {
  const headers = new Headers()
  for (const name of REFRESH_HEADERS) {
    const value = c.req.header(name)
    if (value !== undefined) headers.set(name, value)
  }
  // The language cookie picks the language; the session cookie (if any) is left behind: the refresh is anonymous.
  const lang = /(?:^|;\s*)(lang=[^;]*)/.exec(c.req.header('Cookie') ?? '')?.[1]
  // The region as resolved for the visitor, as a cookie: the refresh has no platform country of its own (no `cf`).
  headers.set('Cookie', [lang, `${REGION_COOKIE}=${region}`].filter(Boolean).join('; '))
  const request = new Request(c.req.url, { headers })
  refreshRequests.add(request)
  return request
}

function executionContextOf(c: Context<AppEnv>): ExecutionContext | undefined {
  try {
    return c.executionCtx
  } catch {
    return undefined
  }
}

/**
 * The middleware; `refresh` is the app's own fetch, used to re-render a stale page after the response. Mount it
 * after the config and security headers, before services are built and the request is authenticated: a hit costs
 * neither.
 */
export function pageCache(refresh: AppFetch, routes: () => readonly RouteEntry[]): MiddlewareHandler<AppEnv> {
  let mayBeCached: ((path: string) => boolean) | undefined
  return async (c, next) => {
    mayBeCached ??= shareableRoutes(routes())
    const platform = c.env.platform
    const store = platform.pageCache
    // Only a request without credentials is surely anonymous this early (before services and authentication).
    if (!store || c.req.method !== 'GET' || c.req.header('Authorization') !== undefined || getCookie(c, SESSION_COOKIE) !== undefined || !mayBeCached(c.req.path)) {
      return next()
    }
    // The language the i18n middleware will choose for an anonymous request.
    const locale = chooseLocale({ cookie: getCookie(c, LANG_COOKIE), acceptLanguage: c.req.header('Accept-Language') })
    // The region "where to watch" will choose for an anonymous request (cookie, platform country, Accept-Language).
    const region = anonymousRegion(c)
    const key = keyOf(c, platform, locale, region)
    const isRefresh = refreshRequests.has(c.req.raw)
    if (!isRefresh) {
      const entry = await lookup(store, key, Date.now())
      if (entry) {
        const fresh = Date.now() - entry.storedAt <= FRESH_SECONDS * 1000
        if (!fresh && !refreshing.has(key)) {
          refreshing.add(key)
          const rendering = Promise.resolve(refresh(refreshRequest(c, region), c.env, executionContextOf(c)))
          platform.defer(rendering.catch((error: unknown) => console.warn('page cache refresh failed', String(error))).finally(() => refreshing.delete(key)))
        }
        return servedCopy(entry, fresh ? 'hit' : 'stale')
      }
    }
    await next()
    if (!cacheable(c)) return
    const entry = storedEntry(c.res, await c.res.clone().arrayBuffer(), Date.now())
    // Stored under the versions the answer was rendered with (rendering may have read a newer ready-video map).
    const storedKey = keyOf(c, platform, locale, region)
    pageMemory().set(storedKey, entry)
    const put = store
      .put(storedKey, new Response(entry.body, { status: 200, headers: entry.headers }))
      .catch((error: unknown) => console.warn('page cache store failed', String(error)))
    if (isRefresh) await put
    else {
      c.res.headers.set(PAGE_CACHE_HEADER, 'miss')
      platform.defer(put)
    }
  }
}
