import { Throttle, type Limit } from '../accounts/throttle'
import type { Config } from '../config'
import type { DataStore } from '../data/store'
import { RateLimited } from '../shared/errors'

/** Window of CATALOG_MISS_LIMIT: uncached TMDB look-ups per client per 10 minutes. */
export const CATALOG_MISS_WINDOW_SECONDS = 10 * 60

export const catalogMissLimit = (limit: number): Limit => ({ name: 'catalog-miss-client', limit, windowSeconds: CATALOG_MISS_WINDOW_SECONDS })

/**
 * The guard the TMDB cache runs before an uncached look-up (cached answers, fresh or stale, never
 * reach it): one slot per client on a DynamoDB counter, 429 rate_limited with Retry-After when full,
 * so scripted unique queries cannot burn the TMDB key's rate. Undefined (no limit) without a TMDB
 * credential (the bundled catalog costs nothing upstream), with CATALOG_MISS_LIMIT=0, or without a
 * client (cron jobs). If the counter itself cannot be reached the look-up goes ahead: the catalog
 * stays up when DynamoDB is not.
 */
export function catalogMissGuard(config: Config, db: () => DataStore, client: string | undefined): (() => Promise<void>) | undefined {
  if (!config.tmdbAuth || config.CATALOG_MISS_LIMIT === 0 || client === undefined) return undefined
  const limit = catalogMissLimit(config.CATALOG_MISS_LIMIT)
  let throttle: Throttle | undefined
  return async () => {
    throttle ??= new Throttle(db(), config.DYNAMODB_TABLE, Date.now, config.PASSWORD_PEPPER ?? config.jwtSecret)
    try {
      await throttle.reserve(limit, client)
    } catch (error) {
      if (error instanceof RateLimited) throw error
      console.warn('catalog miss limit: counter unavailable, allowing the look-up', error instanceof Error ? error.name : 'error')
    }
  }
}

