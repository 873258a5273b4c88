import type { Config, Env } from '../config'
import { createBundledCatalog } from './bundled'
import { createTmdbCatalog } from './tmdb-catalog'
import type { Catalog } from './types'

export interface CatalogContext {
  /** Runs work after the response (ExecutionContext.waitUntil): background cache refreshes. */
  defer?: (work: Promise<unknown>) => void
  /** The request's origin, for the absolute URLs of bundled films' generated artwork. */
  origin?: string
  /** TMDB timeout per attempt (default 5 s); tests shorten it. */
  tmdbTimeoutMs?: number
  /** Runs before an uncached TMDB look-up: the per-client CATALOG_MISS_LIMIT (src/catalog/miss-limit.ts). */
  beforeMiss?: () => Promise<void>
}

/** TMDB behind the KV cache when a credential is configured, else the bundled offline catalog. */
export function createCatalog(config: Config, env: Env, ctx: CatalogContext = {}): Catalog {
  if (config.tmdbAuth) {
    return createTmdbCatalog({
      config,
      kv: env.TMDB_CACHE,
      // Without an execution context (cron, scripts) a refresh simply runs on; failures are logged by the cache.
      defer: ctx.defer ?? ((work) => void work.catch(() => undefined)),
      timeoutMs: ctx.tmdbTimeoutMs,
      beforeMiss: ctx.beforeMiss,
    })
  }
  return createBundledCatalog({ origin: ctx.origin ?? '', today: config.CATALOG_TODAY })
}
