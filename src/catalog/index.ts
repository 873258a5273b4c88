import type { Config, Env } from '../config'
import { createBundledCatalog } from './bundled'
import type { Catalog } from './types'

export interface CatalogContext {
  /** Runs work after the response (ExecutionContext.waitUntil): background cache refreshes. */
  defer?: (work: Promise<unknown>) => void
  /** The request's origin, for the absolute URLs of bundled films' generated artwork. */
  origin?: string
}

/** TMDB behind the KV cache when a credential is configured, else the bundled offline catalog. */
export function createCatalog(config: Config, _env: Env, ctx: CatalogContext = {}): Catalog {
  return createBundledCatalog({ origin: ctx.origin ?? '', today: config.CATALOG_TODAY })
}
