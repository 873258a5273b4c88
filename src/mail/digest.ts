import { writeUnlessDeleted } from '../accounts/tombstone'
import type { DataStore } from '../data/store'
import { EVENT_VERSION, type DomainEvent } from '../events/schema'
import type { OutboxOptions } from '../events/outbox'
import { relayEvents } from '../events/relay'
import type { AccountDataParticipant } from '../shared/participants'
import { DIGEST_SHARDS, digestKey, digestPk } from './keys'

export interface DigestReport {
  subscribers: number
  /** Digest events written to the outbox. */
  queued: number
  /** Of those, published at once; the rest wait for the drain cron's flush (SNS refused one). */
  published: number
}

/** Subscribers staged per batch (one BatchWriteItem call of 25 items at a time underneath). */
const STAGE_BATCH = 100

/** The Monday (UTC, YYYY-MM-DD) of the week `now` falls in: the digest's week. */
export function weekOf(now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7))
  return day.toISOString().slice(0, 10)
}

/**
 * The digest's event for one user and week. Its id is derived from both (through a hash, so the
 * marker EVENT#<id>#mail does not name the user), so a cron run that happens twice queues the same
 * event and the marker sends it once.
 */
export async function digestEvent(userId: string, week: string, now: Date): Promise<DomainEvent> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`digest:${userId}`)))
  const hash = Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')
  return { type: 'user.digest_due', version: EVENT_VERSION, id: `digest-${week}-${hash}`, occurred_at: now.toISOString(), user_id: userId, payload: { week } }
}

export class DigestSubscribers {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
  ) {}

  /** Adds or removes the user (idempotent either way). */
  async set(userId: string, subscribed: boolean): Promise<void> {
    // Beside the account's tombstone check: a profile save racing the account's deletion leaves no subscriber behind.
    const item = { ...digestKey(userId), type: 'digest_subscriber', user_id: userId, since: new Date().toISOString() }
    if (subscribed) await writeUnlessDeleted(this.db, this.table, userId, { put: { table: this.table, item } })
    else await this.db.delete(this.table, digestKey(userId))
  }

  async all(): Promise<string[]> {
    const shards = await Promise.all(
      Array.from({ length: DIGEST_SHARDS }, (_, shard) =>
        this.db.queryAll<{ user_id: string }>(this.table, { keyCondition: 'pk = :pk', values: { ':pk': digestPk(shard) }, projection: 'user_id' }),
      ),
    )
    return shards.flat().map((item) => item.user_id)
  }

  /** Export: whether the user is on the list; erasure: off it. */
  participant(): AccountDataParticipant {
    return {
      name: 'digest',
      export: async (userId): Promise<Record<string, Record<string, unknown>[]>> => {
        const item = await this.db.get<{ since?: string }>(this.table, digestKey(userId), { consistent: true })
        return item ? { digest_subscription: [{ since: item.since ?? null }] } : {}
      },
      erase: (userId) => this.set(userId, false),
    }
  }
}

/**
 * The weekly cron: one `user.digest_due` event per subscriber, through the outbox like every other event
 * (written to the table first, then published; an SNS outage leaves them to the drain cron's flush, it loses
 * none), so the digests go through the queue, retried and finally parked in the DLQ like any event. Once SNS
 * refuses one, the rest are only staged. Whether a user is still verified and opted in, and has anything
 * new, is checked when the event is handled. A failed write fails the run, which the cron runs again (the
 * events' ids are the same, so nobody gets two digests).
 */
export async function queueWeeklyDigests(options: {
  subscribers: DigestSubscribers
  outbox: Omit<OutboxOptions, 'defer'>
  now?: Date
}): Promise<DigestReport> {
  const now = options.now ?? new Date()
  const week = weekOf(now)
  const users = await options.subscribers.all()
  const report: DigestReport = { subscribers: users.length, queued: 0, published: 0 }
  if (!options.outbox.topicArn) {
    console.warn('SNS_TOPIC_ARN is unset: weekly digests are not queued')
    return report
  }
  for (let start = 0; start < users.length; start += STAGE_BATCH) {
    const events = await Promise.all(users.slice(start, start + STAGE_BATCH).map((userId) => digestEvent(userId, week, now)))
    const relayed = await relayEvents(options.outbox, events, { publish: report.published === report.queued })
    report.queued += relayed.staged
    report.published += relayed.published
  }
  return report
}
