/**
 * Readiness: does the data store answer right now? One cheap, read-only call (a GetItem of a
 * fixed key: DescribeTable is not in the worker's IAM policy), cached per isolate for a few
 * seconds so a probe every second costs DynamoDB at most one read per isolate per TTL.
 */
import type { DataStore } from '../data/store'

export type CheckState = 'ok' | 'unavailable'

export interface Readiness {
  ready: boolean
  checks: { dynamodb: CheckState }
}

/** A key nothing writes: the GetItem only proves the table exists and answers. */
export const PROBE_KEY = { pk: 'HEALTH#probe', sk: 'HEALTH#probe' } as const

export interface ReadinessOptions {
  db: DataStore
  table: string
  /** Identifies the store the cache entry is for (endpoint + table), so two stores never share a verdict. */
  cacheKey: string
  /** How long a healthy answer is reused (ms). */
  okTtlMs?: number
  /** How long a failed answer is reused (ms): short, so a store that just came up is noticed at once. */
  failTtlMs?: number
  /** A probe slower than this counts as unavailable (a blackholed connection must not hang the probe). */
  timeoutMs?: number
  now?: () => number
}

interface Cached {
  at: number
  ttl: number
  value: Promise<Readiness>
}

// Per isolate: services are built per request, the verdict outlives them.
const cache = new Map<string, Cached>()

/** Forgets every cached verdict (tests). */
export function resetReadinessCache(): void {
  cache.clear()
}

async function probe(db: DataStore, table: string, timeoutMs: number): Promise<Readiness> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness probe timed out after ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([db.get(table, PROBE_KEY), timeout])
    return { ready: true, checks: { dynamodb: 'ok' } }
  } catch (error) {
    console.warn('readiness: the data store did not answer', error instanceof Error ? error.name : 'error')
    return { ready: false, checks: { dynamodb: 'unavailable' } }
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
}

/** Builds `check()`: the cached verdict when fresh, else one probe shared by concurrent callers. */
export function createReadiness(options: ReadinessOptions): () => Promise<Readiness> {
  const now = options.now ?? Date.now
  const okTtl = options.okTtlMs ?? 5000
  const failTtl = options.failTtlMs ?? 1000
  const timeoutMs = options.timeoutMs ?? 2000
  return () => {
    const hit = cache.get(options.cacheKey)
    if (hit && now() - hit.at < hit.ttl) return hit.value
    const entry: Cached = { at: now(), ttl: Number.POSITIVE_INFINITY, value: probe(options.db, options.table, timeoutMs) }
    cache.set(options.cacheKey, entry)
    // Until it settles the probe is shared; afterwards its verdict lives for its TTL, measured from when it answered.
    void entry.value.then((result) => {
      entry.at = now()
      entry.ttl = result.ready ? okTtl : failTtl
    })
    return entry.value
  }
}
