import type { CacheStore } from '../platform'
import { CatalogUnavailable, RateLimited } from '../shared/errors'
import { TmdbError } from './tmdb'

/**
 * Stale-while-revalidate in a CacheStore (Workers KV on Workers) in front of TMDB.
 * - fresh entry → served;
 * - stale entry → served, and refreshed after the response (defer → waitUntil);
 * - miss → one upstream call per isolate per key (concurrent misses share it), stored, served;
 * - upstream down (5xx, timeout, 429, 401) → the stale copy if any (no new refresh of that key for 30 s),
 *   else 503 upstream_unavailable.
 * TMDB's 404 is an answer, not a failure: it is cached (briefly) like any other, so unknown ids stay cheap.
 */

/** `day`: where-to-watch answers, which TMDB (JustWatch) refreshes daily. */
export type Freshness = 'list' | 'details' | 'day' | 'static'

/** How long an entry is fresh, and how long KV keeps it (long enough to ride out an outage). */
export const FRESH_SECONDS: Record<Freshness, number> = { list: 10 * 60, details: 6 * 60 * 60, day: 24 * 60 * 60, static: 7 * 24 * 60 * 60 }
const KEEP_SECONDS: Record<Freshness, number> = { list: 7 * 24 * 60 * 60, details: 30 * 24 * 60 * 60, day: 7 * 24 * 60 * 60, static: 60 * 24 * 60 * 60 }
const NOT_FOUND_FRESH_SECONDS = 10 * 60
const NOT_FOUND_KEEP_SECONDS = 60 * 60

/** What KV holds for one key. `status` 404 records TMDB's "no such resource". */
export interface CacheEntry {
  body: unknown
  fetchedAt: number
  status?: 200 | 404
}

export type CachedResult = { found: true; body: unknown } | { found: false }

export interface TmdbCacheOptions {
  store: CacheStore
  defer: (work: Promise<unknown>) => void
  now?: () => number
  /** Runs before an uncached look-up (never for a cached answer); may throw (429 rate_limited). */
  beforeMiss?: () => Promise<void>
}

/**
 * Upstream calls in progress, per isolate: concurrent misses for one key wait for the same call.
 * The promise resolves to a parsed value (not an I/O object), so it can be shared across requests. If the
 * request that started the call is cancelled (its client went away), workerd may never settle it, so a
 * joiner waits at most JOIN_WAIT_MS (longer than a full upstream attempt with its retry) and then calls itself.
 */
const inFlight = new Map<string, Promise<CacheEntry>>()
const JOIN_WAIT_MS = 15_000

/**
 * Keys whose upstream call just failed, per isolate: while TMDB is down (or rate limiting us) requests that
 * already have a stale copy do not start another background refresh for REFRESH_BACKOFF_MS.
 */
const refreshBackoff = new Map<string, number>()
const REFRESH_BACKOFF_MS = 30_000
const BACKOFF_KEYS_MAX = 1_000

export class TmdbCache {
  private readonly now: () => number

  constructor(private readonly options: TmdbCacheOptions) {
    this.now = options.now ?? Date.now
  }

  /** The cached or freshly loaded body for `key`; `load` calls TMDB. Throws CatalogUnavailable when neither is possible. */
  async get(key: string, freshness: Freshness, load: () => Promise<unknown>): Promise<CachedResult> {
    const entry = await this.read(key)
    if (entry) {
      if (!this.isFresh(entry, freshness) && (refreshBackoff.get(key) ?? 0) <= this.now()) {
        this.options.defer(this.refresh(key, freshness, load).catch(() => undefined))
      }
      return toResult(entry)
    }
    const pending = inFlight.get(key)
    if (pending) {
      // Joining a look-up already under way costs TMDB nothing, so it is not counted against CATALOG_MISS_LIMIT
      // (a burst for one new film is one miss). TMDB failing fails the joiners too (no herd of retries); only
      // the leading request's own client being over the limit sends this one to make its own look-up.
      try {
        return toResult(await this.join(pending, key, freshness, load))
      } catch (error) {
        if (error instanceof TmdbError) throw new CatalogUnavailable()
        if (!(error instanceof RateLimited)) throw error
      }
    }
    // Only an uncached look-up reaches TMDB, so only it counts against CATALOG_MISS_LIMIT. It is registered as
    // in flight before the limit is checked, so requests arriving meanwhile join it instead of counting too.
    try {
      return toResult(await track(key, this.leadMiss(key, freshness, load)))
    } catch (error) {
      if (!(error instanceof TmdbError)) throw error
      throw new CatalogUnavailable()
    }
  }

  private async leadMiss(key: string, freshness: Freshness, load: () => Promise<unknown>): Promise<CacheEntry> {
    await this.options.beforeMiss?.()
    return this.loadAndStore(key, freshness, load)
  }

  private isFresh(entry: CacheEntry, freshness: Freshness): boolean {
    const fresh = entry.status === 404 ? NOT_FOUND_FRESH_SECONDS : FRESH_SECONDS[freshness]
    return this.now() - entry.fetchedAt < fresh * 1000
  }

  private async read(key: string): Promise<CacheEntry | null> {
    try {
      const entry = await this.options.store.get<CacheEntry>(key)
      return entry && typeof entry.fetchedAt === 'number' ? entry : null
    } catch (error) {
      // An unreadable entry or a KV hiccup is a miss, not an error page.
      console.warn(`TMDB cache: could not read ${key}`, error)
      return null
    }
  }

  /** Loads once per isolate per key, stores the result, logs upstream failures clearly. */
  private refresh(key: string, freshness: Freshness, load: () => Promise<unknown>): Promise<CacheEntry> {
    const pending = inFlight.get(key)
    if (pending) return this.join(pending, key, freshness, load)
    return track(key, this.loadAndStore(key, freshness, load))
  }

  private join(pending: Promise<CacheEntry>, key: string, freshness: Freshness, load: () => Promise<unknown>): Promise<CacheEntry> {
    let timer: ReturnType<typeof setTimeout> | null = null
    const giveUp = new Promise<'gave_up'>((resolve) => {
      timer = setTimeout(() => resolve('gave_up'), JOIN_WAIT_MS)
    })
    return Promise.race([pending, giveUp])
      .finally(() => {
        // Type-checked under Node's timers too (the Node runtime): they refuse a null id.
        if (timer !== null) clearTimeout(timer)
      })
      .then((result) => (result === 'gave_up' ? this.loadAndStore(key, freshness, load) : result))
  }

  private loadAndStore(key: string, freshness: Freshness, load: () => Promise<unknown>): Promise<CacheEntry> {
    return (async () => {
      let entry: CacheEntry
      try {
        entry = { body: await load(), fetchedAt: this.now(), status: 200 }
      } catch (error) {
        if (!(error instanceof TmdbError)) throw error
        if (error.failure !== 'not_found') {
          if (refreshBackoff.size >= BACKOFF_KEYS_MAX) refreshBackoff.clear()
          refreshBackoff.set(key, this.now() + REFRESH_BACKOFF_MS)
          const hint = error.failure === 'unauthorized' ? ' (check TMDB_READ_TOKEN / TMDB_API_KEY)' : ''
          console.error(`TMDB ${error.failure}${hint}: ${error.message}`)
          throw error
        }
        entry = { body: null, fetchedAt: this.now(), status: 404 }
      }
      refreshBackoff.delete(key)
      await this.write(key, entry, freshness)
      return entry
    })()
  }

  private async write(key: string, entry: CacheEntry, freshness: Freshness): Promise<void> {
    const expirationTtl = entry.status === 404 ? NOT_FOUND_KEEP_SECONDS : KEEP_SECONDS[freshness]
    try {
      await this.options.store.put(key, JSON.stringify(entry), { ttlSeconds: expirationTtl })
    } catch (error) {
      // Serving the answer matters more than caching it (KV allows one write per key per second).
      console.warn(`TMDB cache: could not store ${key}`, error)
    }
  }
}

/** Registers `call` as the look-up in flight for `key` until it settles, for concurrent misses to join. */
function track(key: string, call: Promise<CacheEntry>): Promise<CacheEntry> {
  inFlight.set(key, call)
  const forget = () => {
    if (inFlight.get(key) === call) inFlight.delete(key)
  }
  call.then(forget, forget)
  return call
}

function toResult(entry: CacheEntry): CachedResult {
  return entry.status === 404 ? { found: false } : { found: true, body: entry.body }
}
