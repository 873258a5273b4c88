import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore } from '../data/store'
/** Thrown when a counter is full; `retryAfter` is seconds until its window ends. */
import { RateLimited } from '../shared/errors'

/** A limit: at most `limit` counted events per fixed window of `windowSeconds`. */
export interface Limit {
  name: string
  limit: number
  windowSeconds: number
}

/** The contract's numbers. */
export const LIMITS = {
  loginPerAccount: { name: 'login-account', limit: 10, windowSeconds: 15 * 60 },
  loginPerClient: { name: 'login-client', limit: 50, windowSeconds: 15 * 60 },
  signupPerClient: { name: 'signup-client', limit: 300, windowSeconds: 3600 },
} satisfies Record<string, Limit>


export interface Reservation {
  /** Gives the slot back (e.g. a login that succeeded does not count as a failure). */
  refund(): Promise<void>
}

async function hashKey(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return btoa(String.fromCharCode(...new Uint8Array(digest).slice(0, 18))).replace(/\+/g, '-').replace(/\//g, '_')
}

/**
 * Fixed-window counters in DynamoDB (RATE#<key> / WINDOW#<start>, expires_at TTL), shared by
 * every isolate. A slot is taken with one conditional ADD before the guarded work runs, so
 * concurrent attempts cannot overshoot the limit. Keys are hashed: no email or IP is stored.
 */
export class Throttle {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  async reserve(limit: Limit, subject: string): Promise<Reservation> {
    const nowSeconds = Math.floor(this.now() / 1000)
    const start = nowSeconds - (nowSeconds % limit.windowSeconds)
    const end = start + limit.windowSeconds
    const key = { pk: `RATE#${await hashKey(`${limit.name}:${subject}`)}`, sk: `WINDOW#${start}` }
    try {
      await this.db.update(this.table, key, {
        update: 'ADD #n :one SET expires_at = :expires',
        condition: 'attribute_not_exists(#n) OR #n < :limit',
        names: { '#n': 'count' },
        values: { ':one': 1, ':limit': limit.limit, ':expires': end + 60 },
        returnValues: 'NONE',
      })
    } catch (error) {
      if (error instanceof ConditionalCheckFailedError) throw new RateLimited(Math.max(1, end - nowSeconds))
      throw error
    }
    return {
      refund: async () => {
        await this.db.update(this.table, key, {
          update: 'ADD #n :minus',
          condition: 'attribute_exists(#n) AND #n > :zero',
          names: { '#n': 'count' },
          values: { ':minus': -1, ':zero': 0 },
          returnValues: 'NONE',
        }).catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedError)) throw error
        })
      },
    }
  }

  /** Takes a slot on every limit or none: a full counter refunds the ones already taken. */
  async reserveAll(entries: [Limit, string][]): Promise<Reservation> {
    const results = await Promise.allSettled(entries.map(([limit, subject]) => this.reserve(limit, subject)))
    const taken = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
    const refundAll = async () => {
      await Promise.all(taken.map((r) => r.refund()))
    }
    if (failures.length > 0) {
      await refundAll()
      const limited = failures.filter((f): f is RateLimited => f instanceof RateLimited)
      if (limited.length === failures.length) throw new RateLimited(Math.max(...limited.map((f) => f.retryAfter)))
      throw failures.find((f) => !(f instanceof RateLimited))
    }
    return { refund: refundAll }
  }
}
