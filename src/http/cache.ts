import type { Context, MiddlewareHandler } from 'hono'

/**
 * Named cache policies: every response says how it may be cached through one of these, so a
 * personal page can never pick up a shared policy by a typo. Each sets Cache-Control and the
 * request headers the response varies on.
 */
export interface CachePolicy {
  readonly cacheControl: string
  readonly vary?: readonly string[]
}

/** htmx asks for a fragment (HX-Request) or a full page for its history cache: caches must key on both. */
const HTMX_VARY = ['HX-Request', 'HX-History-Restore-Request']

const shared = (maxAge: number, staleWhileRevalidate?: number): CachePolicy => ({
  cacheControl: `public, max-age=${maxAge}${staleWhileRevalidate ? `, stale-while-revalidate=${staleWhileRevalidate}` : ''}`,
})

export const CACHE = {
  /** Browsing pages: they carry the account menu, so private, and revalidated on every visit. */
  page: { cacheControl: 'private, no-cache', vary: HTMX_VARY },
  /** A signed-in user's own page or fragment that must never be stored (a review form). */
  personalPage: { cacheControl: 'private, no-store', vary: HTMX_VARY },
  /**
   * A signed-in user's own page meant for offline reading (My List, notifications): kept only in this
   * browser and revalidated on every visit. The service worker stores it under the page's X-Viewer
   * and drops it when the viewer changes (src/offline/middleware.ts, docs/offline.md).
   */
  ownPage: { cacheControl: 'private, no-cache', vary: HTMX_VARY },
  /** A user's own list or notifications over the API: like ownPage, readable offline by the service worker. */
  ownData: { cacheControl: 'private, no-cache' },
  /** A user's own data over the API. */
  personal: { cacheControl: 'private, no-store' },
  /** Forms, sessions, tokens, errors, health: never stored anywhere. */
  noStore: { cacheControl: 'no-store' },
  /** Content-addressed files (generated artwork): cached for a year. */
  immutable: { cacheControl: 'public, max-age=31536000, immutable' },
  /** Catalog JSON: lists change within minutes, details within hours, genres hardly ever. */
  catalogList: shared(60, 300),
  catalogDetails: shared(300, 3600),
  /** A film's JSON answer carries its video (src/videos/ready-map.ts): a new one shows within a minute. */
  catalogFilm: shared(60, 300),
  catalogStatic: shared(3600, 86400),
  /** Where to watch in a region named in the URL: TMDB refreshes it daily. */
  providers: shared(3600, 86400),
} satisfies Record<string, CachePolicy>

/** A shared policy made private: a signed-in caller's answer follows their language, so it is theirs alone. */
function forViewer(c: Context, policy: CachePolicy): CachePolicy {
  const user = (c as Context<{ Variables: { user?: unknown } }>).get('user')
  return user ? { ...policy, cacheControl: policy.cacheControl.replace(/^public/, 'private') } : policy
}

/** The headers of `policy` (for `c.json(body, status, headers)`); shared policies turn private for a signed-in caller. */
export function cacheHeaders(c: Context, policy: CachePolicy): Record<string, string> {
  const effective = forViewer(c, policy)
  return { 'Cache-Control': effective.cacheControl, ...(effective.vary?.length ? { Vary: effective.vary.join(', ') } : {}) }
}

/** Sets `policy` on the response being built (Vary is added to, never replaced). */
export function useCache(c: Context, policy: CachePolicy): void {
  const effective = forViewer(c, policy)
  c.header('Cache-Control', effective.cacheControl)
  for (const name of effective.vary ?? []) c.header('Vary', name, { append: true })
}

/** Policies whose anonymous answer is the same for every visitor: the page cache may share one copy. */
export const isShareable = (policy: CachePolicy) => policy === CACHE.page || policy.cacheControl.startsWith('public')

const declared = new WeakMap<object, CachePolicy>()

/**
 * A route's declared cache policy, listed among its handlers (`pages.get('/', cached(CACHE.page), …)`): the
 * policy of what the route answers, unless its handler chose another (a catalog route adds its own Vary), and the
 * page cache (src/http/page-cache.ts) reads the declaration from the route table to know which URLs it may
 * answer from a shared copy: cacheability is the route's own word, not a pattern kept elsewhere. Set after the
 * handler, on a success only: an error keeps the error handler's `no-store`.
 */
export function cached(policy: CachePolicy): MiddlewareHandler {
  const declare: MiddlewareHandler = async (c, next) => {
    await next()
    if (c.error || c.res.status >= 400 || c.res.headers.has('Cache-Control')) return
    const effective = forViewer(c, policy)
    c.res.headers.set('Cache-Control', effective.cacheControl)
    for (const name of effective.vary ?? []) c.res.headers.append('Vary', name)
  }
  declared.set(declare, policy)
  return declare
}

/** The policy a route handler declares through cached(), if it is one. */
export const declaredPolicy = (handler: unknown): CachePolicy | undefined => (typeof handler === 'function' ? declared.get(handler) : undefined)
