import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore } from '../data/store'
/** Thrown when a counter is full; `retryAfter` is seconds until its window ends. */
import { RateLimited } from '../shared/errors'

/** A limit: at most `limit` counted events in any span of `windowSeconds`. */
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
  /** Password-reset emails per account (keyed by the address asked for, known or not). */
  resetPerAccount: { name: 'reset-account', limit: 5, windowSeconds: 3600 },
  /** Reset requests per client, for any address (audit 3, M3/M4: one client cannot mail or flood the queue at will). */
  resetPerClient: { name: 'reset-client', limit: 20, windowSeconds: 3600 },
  /** Signed-in actions that send mail (verification resend, email change) per account. */
  mailActionsPerAccount: { name: 'mail-account', limit: 5, windowSeconds: 3600 },
  /** Mails of any kind one address receives in a day (keyed by the address). */
  mailPerRecipient: { name: 'mail-recipient', limit: 10, windowSeconds: 24 * 3600 },
} satisfies Record<string, Limit>


interface Slot {
  limit: Limit
  nowSeconds: number
  /** This window's start, in epoch seconds. */
  start: number
  key: { pk: string; sk: string }
  previousKey: { pk: string; sk: string }
}

export interface Reservation {
  /** Gives the slot back (e.g. a login that succeeded does not count as a failure). */
  refund(): Promise<void>
}

const encoder = new TextEncoder()
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/**
 * The HMAC key RATE# item names are made with, derived (HKDF-SHA256, its own label) from a server
 * secret: PASSWORD_PEPPER when set, else JWT_SECRET. A leaked table then cannot be joined back to IP
 * addresses or emails by hashing guesses (an unsalted SHA-256 of an IPv4 address is reversed by
 * enumerating 2^32 candidates).
 */
export function rateKeyFor(secret: string): Promise<CryptoKey> {
  // Derived once per secret per isolate, not once per request (services are built per request).
  let key = rateKeys.get(secret)
  if (!key) {
    key = deriveRateKey(secret)
    rateKeys.set(secret, key)
    key.catch(() => rateKeys.delete(secret))
  }
  return key
}
const rateKeys = new Map<string, Promise<CryptoKey>>()

async function deriveRateKey(secret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('flixpeek'), info: encoder.encode('rate-limit-keys-v1') },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  )
}

/** The RATE# partition key of a limit and subject: HMAC-SHA256 under the rate key, 144 bits, base64url. */
export async function ratePk(key: CryptoKey, limitName: string, subject: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${limitName}:${subject}`)))
  return `RATE#${base64url(mac.slice(0, 18))}`
}

/** Tests and tools that construct a Throttle without the app's config still get keyed (not plain) hashes. */
const UNCONFIGURED_SECRET = 'throttle-without-configured-secret'

/**
 * Sliding-window counters in DynamoDB (RATE#<key> / WINDOW#<start>, expires_at TTL), shared by
 * every isolate. The limit holds over any `windowSeconds` span, not just within a clock-aligned
 * window: the previous window's count still weighs, in proportion to how much of it the span
 * covers (the sliding-window counter). Without that, 10 failed logins at 14:59 and 10 more at 15:00
 * would all pass. A slot is taken with one conditional ADD before the guarded work runs, so
 * concurrent attempts cannot overshoot the limit. Keys are HMACs under a server secret: no email or
 * IP is stored, and none can be recovered from the table alone.
 */
export class Throttle {
  private readonly key: Promise<CryptoKey>

  constructor(
    private readonly db: DataStore,
    private readonly table: string,
    private readonly now: () => number = Date.now,
    /** The server secret RATE# keys are derived from (see rateKeyFor). */
    secret: string = UNCONFIGURED_SECRET,
  ) {
    this.key = rateKeyFor(secret)
  }

  async reserve(limit: Limit, subject: string): Promise<Reservation> {
    const slot = await this.slotFor(limit, subject)
    const previous = await this.db.get<{ count?: number }>(this.table, slot.previousKey, { consistent: true, projection: '#n', names: { '#n': 'count' } })
    return this.take(slot, previous?.count ?? 0)
  }

  /** Where a limit's counters live now: this window's item and the previous one's. */
  private async slotFor(limit: Limit, subject: string): Promise<Slot> {
    const nowSeconds = this.now() / 1000
    const start = Math.floor(nowSeconds) - (Math.floor(nowSeconds) % limit.windowSeconds)
    const pk = await ratePk(await this.key, limit.name, subject)
    return { limit, nowSeconds, start, key: { pk, sk: `WINDOW#${start}` }, previousKey: { pk, sk: `WINDOW#${start - limit.windowSeconds}` } }
  }

  /** Takes a slot in this window if this window's count plus the previous one's remaining weight is under the limit. */
  private async take(slot: Slot, previous: number): Promise<Reservation> {
    const { limit, nowSeconds, key } = slot
    const window = limit.windowSeconds
    const end = slot.start + window
    // The previous window is closed (only refunds still touch it): its count was read, not raced.
    const carried = Math.ceil((previous * (end - nowSeconds)) / window)
    const budget = limit.limit - carried
    const retryAfter = () => {
      // The previous window's weight fades until one more slot fits; a full current window waits for its end.
      if (carried === 0) return Math.max(1, Math.ceil(end - nowSeconds))
      const fadesAt = end - ((carried - 1) * window) / previous
      return Math.max(1, Math.ceil(fadesAt - nowSeconds))
    }
    if (budget <= 0) throw new RateLimited(retryAfter())
    try {
      await this.db.update(this.table, key, {
        update: 'ADD #n :one SET expires_at = :expires',
        condition: 'attribute_not_exists(#n) OR #n < :limit',
        names: { '#n': 'count' },
        // Kept through the next window too, where it still weighs.
        values: { ':one': 1, ':limit': budget, ':expires': end + window + 60 },
        returnValues: 'NONE',
      })
    } catch (error) {
      if (error instanceof ConditionalCheckFailedError) throw new RateLimited(retryAfter())
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
    const slots = await Promise.all(entries.map(([limit, subject]) => this.slotFor(limit, subject)))
    // One read for every previous window, then the conditional writes: the same calls whoever is asking.
    // Consistent: the previous window's last counts may have been written a moment ago, across the boundary.
    const keys = [...new Map(slots.map((slot) => [`${slot.previousKey.pk} ${slot.previousKey.sk}`, slot.previousKey])).values()]
    const previous = await this.db.batchGet<{ pk: string; sk: string; count?: number }>(this.table, keys, { consistent: true })
    const countOf = (slot: Slot) => previous.find((item) => item.pk === slot.previousKey.pk && item.sk === slot.previousKey.sk)?.count ?? 0
    const results = await Promise.allSettled(slots.map((slot) => this.take(slot, countOf(slot))))
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
