/**
 * The transactional outbox. A state change writes its event as an outbox item in the same
 * TransactWriteItems as the change, so an acknowledged change always has its event stored.
 * Right after the response a deferred publisher sends it to SNS and deletes the item; the
 * drain cron every 5 minutes (`flushOutbox`) publishes whatever is left (SNS was down, the isolate died).
 * Publishing twice is harmless: every handler is idempotent through its marker.
 *
 * Items: OUTBOX#<shard> / <occurred_at>#<id>, under a few shard partitions so the cron reads
 * them with one Query per shard, oldest first, never a Scan. An item that keeps failing ends in
 * OUTBOX#dead (see flushOutbox), so it cannot hold back the items behind it.
 */
import { AwsError, ConditionalCheckFailedError, TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import type { Defer } from '../platform'
import { newEvent, type DomainEvent, type EventInput } from './schema'

/** The part of the SNS client the outbox needs (src/aws/sns.ts satisfies it). */
export interface TopicClient {
  publish(topicArn: string, message: string, attributes?: Record<string, string>): Promise<unknown>
}

export const OUTBOX_SHARDS = 4
/** The cron leaves younger items to their deferred publisher (it may still be running). */
export const OUTBOX_GRACE_MS = 60_000

export type OutboxItem = {
  pk: string
  sk: string
  /** The event as published (JSON). */
  event: string
}

/** An event staged with its state change: add `writes` to the transaction, call `release()` once it committed. */
export interface StagedEvent {
  event: DomainEvent
  writes: TransactItem[]
  release(): void
}

export interface Outbox {
  stage(input: EventInput): StagedEvent
  /**
   * The same writes as `stage` would add, for an event that must not happen (a reset for an unknown address): an item
   * of the same shape that is never published. The answer's store calls stay the same.
   */
  decoy(input: EventInput): StagedEvent
}

/**
 * Where decoys go: not an OUTBOX#<shard> partition, so neither the deferred publisher nor the cron ever reads them,
 * and always the same item (each decoy overwrites the last), so they never pile up.
 */
const DECOY_KEY = { pk: 'OUTBOX#decoy', sk: 'latest' }

export interface OutboxOptions {
  db: DataStore
  table: string
  /** Unset: events are not published at all (local runs without SNS), so nothing is staged either. */
  topicArn: string | undefined
  topic: () => TopicClient
  defer: Defer
}

function shardOf(id: string): number {
  let hash = 0
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0
  return hash % OUTBOX_SHARDS
}

export function outboxKey(event: Pick<DomainEvent, 'id' | 'occurred_at'>): { pk: string; sk: string } {
  return { pk: `OUTBOX#${shardOf(event.id)}`, sk: `${event.occurred_at}#${event.id}` }
}

/** Publishes the event, then deletes its outbox item (a failure leaves the item for the drain cron's flush). */
export async function publishAndDelete(options: Omit<OutboxOptions, 'defer'>, event: DomainEvent): Promise<void> {
  await options.topic().publish(options.topicArn!, JSON.stringify(event), { type: event.type })
  await options.db.delete(options.table, outboxKey(event))
}

export function createOutbox(options: OutboxOptions): Outbox {
  return {
    stage(input) {
      const event = newEvent(input)
      if (!options.topicArn) return { event, writes: [], release: () => undefined }
      const item: OutboxItem = { ...outboxKey(event), event: JSON.stringify(event) }
      return {
        event,
        writes: [{ put: { table: options.table, item } }],
        release: () =>
          options.defer(
            publishAndDelete(options, event).catch((error: unknown) => {
              // Not lost: the item stays in the outbox and the cron publishes it.
              console.warn(`event ${event.type} ${event.id} left in the outbox`, error instanceof Error ? error.name : 'error')
            }),
          ),
      }
    },
    decoy(input) {
      const event = newEvent(input)
      if (!options.topicArn) return { event, writes: [], release: () => undefined }
      const item: OutboxItem = { ...DECOY_KEY, event: JSON.stringify(event) }
      return { event, writes: [{ put: { table: options.table, item } }], release: () => undefined }
    },
  }
}

/** An outbox without a table: stages nothing and publishes after the commit (test seeding, tools). */
export function directOutbox(publish: (input: EventInput) => DomainEvent): Outbox {
  return {
    stage(input) {
      return { event: newEvent(input), writes: [], release: () => void publish(input) }
    },
    decoy(input) {
      return { event: newEvent(input), writes: [], release: () => undefined }
    },
  }
}

export interface FlushReport {
  published: number
  failed: number
  /** Items moved to the dead letters this run. */
  dead: number
}

/** Failed publishes counted on one item (only in runs where SNS took another) before it moves to the dead letters. */
export const OUTBOX_MAX_ATTEMPTS = 5
/**
 * Dead letters: OUTBOX#dead / <the item's sk>, with the event and why; never read by a flush. They expire after 30
 * days (the event names its user), time enough for an operator to look at them and publish them again.
 */
export const OUTBOX_DEAD_PK = 'OUTBOX#dead'
const DEAD_LETTER_TTL_SECONDS = 30 * 24 * 3600
/** Failures in a row after which a shard waits for the next run: SNS is likely down (more when SNS answered "invalid message"). */
const STREAK_DOWN = 2
const STREAK_REJECTED = 10

type StoredItem = OutboxItem & { attempts?: number }
type DeadReason = 'unparseable' | 'failing'

/** The event's type, or undefined when the item can never be published (corrupt JSON, no type). */
function typeOf(item: OutboxItem): string | undefined {
  try {
    const event = JSON.parse(item.event) as { type?: unknown } | null
    return typeof event?.type === 'string' && event.type !== '' ? event.type : undefined
  } catch {
    return undefined
  }
}

/** SNS answered and refused this message itself (too large, a bad attribute): it is up; the next item may pass. */
const rejectsMessage = (error: unknown) => error instanceof AwsError && /^InvalidParameter/.test(error.type)

/** The item as this run read it (another run may have counted or published it meanwhile). */
function unchanged(item: StoredItem) {
  return item.attempts === undefined
    ? { condition: 'attribute_exists(pk) AND attribute_not_exists(attempts)', values: {} }
    : { condition: 'attempts = :seen', values: { ':seen': item.attempts } }
}

/** Moves the item to the dead letters (once, whichever run gets there first) and emits the metric; true when moved. */
async function deadLetter(options: Pick<OutboxOptions, 'db' | 'table'>, item: StoredItem, reason: DeadReason, attempts: number, now: number): Promise<boolean> {
  const { condition, values } = unchanged(item)
  try {
    await options.db.transactWrite([
      { delete: { table: options.table, key: { pk: item.pk, sk: item.sk }, condition, ...(Object.keys(values).length ? { values } : {}) } },
      {
        put: {
          table: options.table,
          item: { pk: OUTBOX_DEAD_PK, sk: item.sk, shard: item.pk, event: item.event, reason, attempts, dead_at: new Date(now).toISOString(), expires_at: Math.floor(now / 1000) + DEAD_LETTER_TTL_SECONDS },
        },
      },
    ])
  } catch (error) {
    if (error instanceof TransactionCanceledError) return false
    throw error
  }
  // One line per dead letter, for a log-based metric and alarm (the item names the event, never its user).
  console.warn(JSON.stringify({ metric: 'outbox_dead_letter', value: 1, reason, type: typeOf(item) ?? null, item: item.sk, attempts }))
  return true
}

/** Counts one failed publish on the item; at the bound it goes to the dead letters. True when it moved there. */
async function countFailure(options: Pick<OutboxOptions, 'db' | 'table'>, item: StoredItem, now: number): Promise<boolean> {
  const attempts = (item.attempts ?? 0) + 1
  if (attempts >= OUTBOX_MAX_ATTEMPTS) return deadLetter(options, item, 'failing', attempts, now)
  const { condition, values } = unchanged(item)
  await options.db
    .update(options.table, { pk: item.pk, sk: item.sk }, { update: 'SET attempts = :attempts', condition, values: { ...values, ':attempts': attempts }, returnValues: 'NONE' })
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedError)) throw error
    })
  return false
}

/**
 * Publishes and deletes outbox items older than the grace period (the cron's part), at most `limit` per shard per
 * run, oldest first. A failed item does not hold back the ones behind it: the next one tells whether SNS is down
 * (two failures in a row stop the shard until the next run) or the item is at fault. A failure counts against its
 * item only in a run where SNS took some other publish, so an outage burns no attempts; after OUTBOX_MAX_ATTEMPTS
 * such runs, or at once when it is not an event at all, the item moves to the dead letters with a metric line.
 */
export async function flushOutbox(
  options: Omit<OutboxOptions, 'defer'>,
  opts: { now?: number; limit?: number; graceMs?: number } = {},
): Promise<FlushReport> {
  const report: FlushReport = { published: 0, failed: 0, dead: 0 }
  if (!options.topicArn) return report
  const now = opts.now ?? Date.now()
  const before = new Date(now - (opts.graceMs ?? OUTBOX_GRACE_MS)).toISOString()
  const failedItems: StoredItem[] = []
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const { items } = await options.db.query<StoredItem>(options.table, {
      keyCondition: 'pk = :pk AND sk < :before',
      values: { ':pk': `OUTBOX#${shard}`, ':before': before },
      limit: opts.limit ?? 100,
    })
    let streak = 0
    for (const item of items) {
      const type = typeOf(item)
      if (type === undefined) {
        // No retry can make it an event.
        if (await deadLetter(options, item, 'unparseable', (item.attempts ?? 0) + 1, now)) report.dead++
        continue
      }
      try {
        await options.topic().publish(options.topicArn, item.event, { type })
      } catch (error) {
        report.failed++
        failedItems.push(item)
        streak++
        console.warn('outbox flush: publishing failed', error instanceof Error ? error.name : 'error')
        if (streak >= (rejectsMessage(error) ? STREAK_REJECTED : STREAK_DOWN)) break
        continue
      }
      streak = 0
      try {
        await options.db.delete(options.table, { pk: item.pk, sk: item.sk })
      } catch (error) {
        // Published but still stored (DynamoDB trouble): published again next run, which handlers tolerate.
        console.warn('outbox flush: deleting a published item failed, the shard waits', error instanceof Error ? error.name : 'error')
        break
      }
      report.published++
    }
  }
  // SNS took a publish in this run: the failures were the items' own.
  if (report.published > 0) for (const item of failedItems) if (await countFailure(options, item, now)) report.dead++
  return report
}
