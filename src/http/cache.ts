import type { Context } from 'hono'

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
   * and drops it when the viewer changes (src/offline/viewer.ts, docs/offline.md).
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
  catalogStatic: shared(3600, 86400),
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
