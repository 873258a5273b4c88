import type { OnceFor, Once } from './markers'
import { parseEventMessage, type DomainEvent, type EventType } from './schema'

/** A message as the queue hands it over (src/aws/sqs.ts's messages fit). */
export interface QueueMessage {
  messageId: string
  receiptHandle: string
  body: string
  receiveCount: number
}

/** The queue the dispatcher drains (the composition root binds the SQS client and queue URL). */
export interface EventQueue {
  receive(opts: { maxMessages: number; waitSeconds: number }): Promise<QueueMessage[]>
  /** Deletes handled messages; returns the receipt handles that could not be deleted. */
  deleteBatch(receiptHandles: string[]): Promise<string[]>
}

/** The queue at `url`, through a client that names the queue on every call (src/aws/sqs.ts fits). */
export function queueAt(
  client: () => { receive(url: string, opts: { maxMessages: number; waitSeconds: number }): Promise<QueueMessage[]>; deleteBatch(url: string, handles: string[]): Promise<string[]> },
  url: string,
): EventQueue {
  return { receive: (opts) => client().receive(url, opts), deleteBatch: (handles) => client().deleteBatch(url, handles) }
}

export interface HandlerResult {
  /** The marker showed the work was done on an earlier delivery. */
  duplicate: boolean
  /** What it delivered (notifications written, emails sent…), for the report. */
  delivered: number
}

/** Reacts to events; must be idempotent through its `once` marker (at-least-once delivery). */
export interface EventHandler {
  /** Unique per handler: part of its marker key. */
  readonly name: string
  handle(event: DomainEvent, once: Once): Promise<HandlerResult>
}

export type EventHandlers = { [T in EventType]?: EventHandler[] }

/** A handler and the event types it reacts to, declared by the feature that owns it. */
export interface Subscriber extends EventHandler {
  readonly on: readonly EventType[]
}

/** The dispatcher's table: each event type's subscribers, in the order given. */
export function handlersByType(subscribers: readonly Subscriber[]): EventHandlers {
  const table: EventHandlers = {}
  for (const subscriber of subscribers) for (const type of subscriber.on) (table[type] ??= []).push(subscriber)
  return table
}

export interface DrainOptions {
  queue: EventQueue
  handlers: EventHandlers
  once: OnceFor
  /**
   * Receives of up to 10 messages per run (default 50: a run goes on until the queue is empty, 20 s pass or 500
   * messages are in. Audit 3, M4: at 100 a run, a few requests a second outgrew the consumer for good).
   */
  maxBatches?: number
  /** Stop receiving after this much wall time (default 20 s; a cron invocation should end well within limits). */
  maxMillis?: number
}

export interface DrainReport {
  received: number
  /** Deleted after every handler succeeded (or had nothing to do), including duplicates. */
  processed: number
  duplicates: number
  /** Left on the queue: they come back after the visibility timeout, and reach the DLQ after maxReceiveCount. */
  failed: number
  /** Delivered by the handlers (notifications written, emails sent). */
  notified: number
}

type Outcome = { ok: true; duplicate: boolean; delivered: number } | { ok: false }

/**
 * Drains the event queue in bounded batches and hands each event to the handlers registered for
 * its type. A message is deleted only when every handler succeeded; a handler that failed makes the
 * message come back, and the handlers that had succeeded skip it then through their markers. A
 * message that does not parse stays too, and does not hold back the others.
 */
export async function drainEvents(options: DrainOptions): Promise<DrainReport> {
  const maxBatches = options.maxBatches ?? 50
  const deadline = Date.now() + (options.maxMillis ?? 20_000)
  const report: DrainReport = { received: 0, processed: 0, duplicates: 0, failed: 0, notified: 0 }
  for (let batch = 0; batch < maxBatches && Date.now() < deadline; batch++) {
    const messages = await options.queue.receive({ maxMessages: 10, waitSeconds: 0 })
    if (messages.length === 0) break
    report.received += messages.length
    const outcomes = await Promise.all(messages.map((message) => dispatch(message, options)))
    const done: string[] = []
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) return void report.failed++
      done.push(messages[i]!.receiptHandle)
      if (outcome.duplicate) report.duplicates++
      report.notified += outcome.delivered
    })
    if (done.length > 0) {
      const notDeleted = await options.queue.deleteBatch(done)
      // Not deleted means seen again later; the handlers' markers turn that into a no-op.
      if (notDeleted.length > 0) console.warn(`event queue: ${notDeleted.length} processed messages not deleted`)
      report.processed += done.length - notDeleted.length
    }
  }
  return report
}

async function dispatch(message: QueueMessage, options: DrainOptions): Promise<Outcome> {
  let event: DomainEvent
  try {
    event = parseEventMessage(message.body)
  } catch (error) {
    console.error(`event queue: unreadable message ${message.messageId} (receive ${message.receiveCount})`, describe(error))
    return { ok: false }
  }
  const handlers = options.handlers[event.type] ?? []
  const results = await Promise.allSettled(handlers.map((handler) => handler.handle(event, options.once(event, handler.name))))
  let failed = false
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return
    failed = true
    console.error(`event queue: ${handlers[i]!.name} failed on ${event.type} ${event.id} (receive ${message.receiveCount})`, describe(result.reason))
  })
  if (failed) return { ok: false }
  const values = results.map((result) => (result as PromiseFulfilledResult<HandlerResult>).value)
  return {
    ok: true,
    duplicate: values.length > 0 && values.every((value) => value.duplicate),
    delivered: values.reduce((sum, value) => sum + value.delivered, 0),
  }
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))
