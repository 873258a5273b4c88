import type { Config } from '../config'
import type { CacheStore, Defer } from '../platform'
import { bundledCatalogVersion, createBundledCatalog } from './bundled'
import { createTmdbCatalog } from './tmdb-catalog'
import type { Catalog } from './types'

export type { Catalog } from './types'
/** Where to watch (src/where-to-watch/): TMDB's watch providers behind the same cache, for the composition root. */
export { createWatchProviders, type WatchProviders } from '../where-to-watch/providers'

export interface CatalogContext {
  /** Where TMDB answers are cached. */
  cache: CacheStore
  /** Runs work after the response (waitUntil): background cache refreshes. */
  defer?: Defer
  /** The request's origin, for the absolute URLs of bundled films' generated artwork. */
  origin?: string
  /** TMDB timeout per attempt (default 5 s); tests shorten it. */
  tmdbTimeoutMs?: number
  /** Runs before an uncached TMDB look-up: the per-client CATALOG_MISS_LIMIT (src/catalog/miss-limit.ts). */
  beforeMiss?: () => Promise<void>
}

/** TMDB behind the cache when a credential is configured, else the bundled offline catalog. */
export function createCatalog(config: Config, ctx: CatalogContext): Catalog {
  if (config.tmdbAuth) {
    return createTmdbCatalog({
      config,
      cache: ctx.cache,
      // Without an execution context (cron, scripts) a refresh simply runs on; failures are logged by the cache.
      defer: ctx.defer ?? ((work) => void work.catch(() => undefined)),
      timeoutMs: ctx.tmdbTimeoutMs,
      beforeMiss: ctx.beforeMiss,
    })
  }
  return createBundledCatalog({ origin: ctx.origin ?? '', today: config.CATALOG_TODAY })
}

/** The version of the catalog `config` selects, known before any service is built (page-cache keys). */
export function catalogVersionFor(config: Config): string {
  return config.tmdbAuth ? 'tmdb' : bundledCatalogVersion(config.CATALOG_TODAY)
}
