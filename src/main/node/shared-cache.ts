import { NODE_CACHE_ITEMS } from '../../../infra/resources'
import type { DataStore } from '../../data/store'
import type { Compression } from './compression'

/**
 * The TMDB cache shared by every replica: DynamoDB items in the app's single table under their own key
 * range (infra/resources.ts NODE_CACHE_ITEMS), with the table's TTL attribute. TTL deletion lags by up
 * to days, so expiry is checked on every read. Bodies are compressed; one that is still over DynamoDB's
 * 400 KB item limit is not cached (the next request fetches it again). The cache is an optimisation:
 * a failing read is a miss and a failing write is dropped, never an error for the visitor.
 */

/** A cached value as stored (the text), with when it expires (ms since the epoch). */
export interface CachedText {
  value: string
  expiresAt: number
}

/** A cache of strings that also says when each expires (what the in-process tier needs). */
export interface TextCache {
  getText(key: string): Promise<CachedText | null>
  put(key: string, value: string, opts: { ttlSeconds: number }): Promise<void>
}

/** DynamoDB's item limit is 400 KB including names and key; leave room for those. */
export const MAX_STORED_BODY_BYTES = 390 * 1024
/** Partition keys may be 2 KB; cache keys are URLs and far shorter, anything longer is not cached. */
const MAX_KEY_LENGTH = 1024

interface CacheItem {
  body: Uint8Array
  /** When the value expires, ms (checked on read). */
  expires_ms: number
}

export function dynamoTextCache(options: { db: () => DataStore; table: string; compression: Compression; now?: () => number }): TextCache {
  const now = options.now ?? Date.now
  const keyOf = (key: string) => ({ pk: `${NODE_CACHE_ITEMS.prefix}${key}`, sk: NODE_CACHE_ITEMS.sortKey })
  let warned = false
  const warn = (what: string, error: unknown) => {
    // Once per process: a missing table or a throttled one would otherwise log on every request. Never the key.
    if (warned) return
    warned = true
    console.warn(`shared cache ${what} failed (further failures not logged)`, error instanceof Error ? error.name : 'error')
  }
  return {
    async getText(key) {
      if (key.length > MAX_KEY_LENGTH) return null
      try {
        const item = await options.db().get<CacheItem>(options.table, keyOf(key))
        if (!item || !(item.body instanceof Uint8Array) || !(item.expires_ms > now())) return null
        return { value: await options.compression.decompress(item.body), expiresAt: item.expires_ms }
      } catch (error) {
        warn('read', error)
        return null
      }
    },
    async put(key, value, { ttlSeconds }) {
      if (key.length > MAX_KEY_LENGTH) return
      try {
        const body = await options.compression.compress(value)
        if (body.byteLength > MAX_STORED_BODY_BYTES) return
        const expiresMs = now() + ttlSeconds * 1000
        await options.db().put(options.table, { ...keyOf(key), body, expires_ms: expiresMs, [NODE_CACHE_ITEMS.ttlAttribute]: Math.ceil(expiresMs / 1000) })
      } catch (error) {
        warn('write', error)
      }
    },
  }
}
