/**
 * The transactional outbox. A state change writes its event as an outbox item in the same
 * TransactWriteItems as the change, so an acknowledged change always has its event stored.
 * Right after the response a deferred publisher sends it to SNS and deletes the item; the
 * drain cron every 5 minutes (`flushOutbox`) publishes whatever is left (SNS was down, the isolate died).
 * Publishing twice is harmless: every handler is idempotent through its marker.
 *
 * Items: OUTBOX#<shard> / <occurred_at>#<id>, under a few shard partitions so the cron reads
 * them with one Query per shard, oldest first, never a Scan.
 */
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

async function publishAndDelete(options: OutboxOptions, event: DomainEvent): Promise<void> {
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
}

/**
 * Publishes and deletes outbox items older than the grace period (the cron's part), at most
 * `limit` per shard per run. Stops a shard at its first failure (SNS is likely down); the rest waits.
 */
export async function flushOutbox(
  options: Omit<OutboxOptions, 'defer'>,
  opts: { now?: number; limit?: number; graceMs?: number } = {},
): Promise<FlushReport> {
  const report: FlushReport = { published: 0, failed: 0 }
  if (!options.topicArn) return report
  const before = new Date((opts.now ?? Date.now()) - (opts.graceMs ?? OUTBOX_GRACE_MS)).toISOString()
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const { items } = await options.db.query<OutboxItem>(options.table, {
      keyCondition: 'pk = :pk AND sk < :before',
      values: { ':pk': `OUTBOX#${shard}`, ':before': before },
      limit: opts.limit ?? 100,
    })
    for (const item of items) {
      try {
        await publishAndDelete({ ...options, defer: () => undefined }, JSON.parse(item.event) as DomainEvent)
        report.published++
      } catch (error) {
        report.failed++
        console.warn('outbox flush: publishing failed, the rest waits for the next run', error instanceof Error ? error.name : 'error')
        break
      }
    }
  }
  return report
}
