import type { DynamoDb, TransactItem } from '../aws/dynamodb'
import { TransactionCanceledError } from '../aws/errors'
import type { SqsMessage } from '../aws/sqs'
import { parseEventMessage, type DomainEvent } from '../events/schema'
import { notificationsFor, type RuleContext } from './rules'
import type { NotificationStore } from './store'

/** The part of the SQS client the consumer needs (src/aws/sqs.ts satisfies it). */
export interface QueueClient {
  receive(queueUrl: string, opts?: { maxMessages?: number; waitSeconds?: number }): Promise<SqsMessage[]>
  deleteBatch(queueUrl: string, receiptHandles: string[]): Promise<string[]>
}

export interface DrainOptions {
  queueUrl: string
  sqs: QueueClient
  db: DynamoDb
  table: string
  store: NotificationStore
  catalog: RuleContext['catalog']
  /** Receives of up to 10 messages per run (default 10). */
  maxBatches?: number
  /** Stop receiving after this much wall time (default 20 s; a cron invocation should end well within limits). */
  maxMillis?: number
}

export interface DrainReport {
  received: number
  /** Deleted after turning into notifications (or nothing), including duplicates. */
  processed: number
  duplicates: number
  /** Left on the queue: they come back after the visibility timeout, and reach the DLQ after maxReceiveCount. */
  failed: number
  notified: number
}

/** Processed-event markers outlive the queue's retention (4 days) and its DLQ redrives. */
const EVENT_MARKER_TTL_SECONDS = 14 * 24 * 3600

type Outcome = { ok: true; duplicate: boolean; notified: number } | { ok: false }

/**
 * Drains the notification queue in bounded batches. Safe under at-least-once delivery: an event's
 * notifications are written in one transaction with a conditional EVENT#<id> marker, so a redelivered
 * message writes nothing new. Only messages that were handled are deleted; a message that fails to
 * parse or to process stays, and does not hold back the others.
 */
export async function drainQueue(options: DrainOptions): Promise<DrainReport> {
  const maxBatches = options.maxBatches ?? 10
  const deadline = Date.now() + (options.maxMillis ?? 20_000)
  const report: DrainReport = { received: 0, processed: 0, duplicates: 0, failed: 0, notified: 0 }
  for (let batch = 0; batch < maxBatches && Date.now() < deadline; batch++) {
    const messages = await options.sqs.receive(options.queueUrl, { maxMessages: 10, waitSeconds: 0 })
    if (messages.length === 0) break
    report.received += messages.length
    const outcomes = await Promise.all(messages.map((message) => handle(message, options)))
    const done: string[] = []
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) return void report.failed++
      done.push(messages[i]!.receiptHandle)
      if (outcome.duplicate) report.duplicates++
      report.notified += outcome.notified
    })
    if (done.length > 0) {
      const notDeleted = await options.sqs.deleteBatch(options.queueUrl, done)
      // Not deleted means seen again later; the event marker turns that into a no-op.
      if (notDeleted.length > 0) console.warn(`notification queue: ${notDeleted.length} processed messages not deleted`)
      report.processed += done.length - notDeleted.length
    }
  }
  return report
}

async function handle(message: SqsMessage, options: DrainOptions): Promise<Outcome> {
  let event: DomainEvent
  try {
    event = parseEventMessage(message.body)
  } catch (error) {
    console.error(`notification queue: unreadable message ${message.messageId} (receive ${message.receiveCount})`, describe(error))
    return { ok: false }
  }
  try {
    return await apply(event, options)
  } catch (error) {
    console.error(`notification queue: event ${event.type} ${event.id} failed (receive ${message.receiveCount})`, describe(error))
    return { ok: false }
  }
}

async function apply(event: DomainEvent, options: DrainOptions): Promise<Outcome> {
  const { db, table, store } = options
  const outcome = await notificationsFor(event, { db, table, catalog: options.catalog })
  if (outcome.notifications.length === 0) return { ok: true, duplicate: false, notified: 0 }
  const items = await Promise.all(outcome.notifications.map((n) => store.build(event.user_id, n)))
  const marker = {
    pk: `EVENT#${event.id}`,
    sk: 'EVENT',
    type: event.type,
    user_id: event.user_id,
    processed_at: new Date().toISOString(),
    expires_at: Math.floor(Date.now() / 1000) + EVENT_MARKER_TTL_SECONDS,
  }
  const writes: TransactItem[] = [
    { put: { table, item: marker, condition: 'attribute_not_exists(pk)' } },
    ...items.map((item) => store.putEntry(item)),
    ...outcome.extraItems.map((item) => ({ put: { table, item } })),
  ]
  try {
    await db.transactWrite(writes)
    return { ok: true, duplicate: false, notified: items.length }
  } catch (error) {
    if (error instanceof TransactionCanceledError && error.conditionFailed) return { ok: true, duplicate: true, notified: 0 }
    throw error
  }
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))
