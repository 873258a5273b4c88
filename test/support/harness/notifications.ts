import { createExecutionContext, createScheduledController, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { drainEvents, type DrainReport } from '../../../src/events/dispatcher'
import { newEvent, type DomainEvent, type EventInput } from '../../../src/events/schema'
import { NotificationStore, type Notification } from '../../../src/notifications/store'
import type { Services } from '../../../src/services'
import { api } from './accounts'
import { testAws, uniqueId } from './aws'
import { cursorCodec } from '../../../src/shared/cursor'
import { subscribedQueues, testServices } from './services'

export const aws = testAws()
export const services = testServices()
export const catalog = services.catalog
export const store = new NotificationStore(aws.db, aws.table, cursorCodec(aws.config.jwtSecret))

export interface PrivateQueue {
  url: string
  dlqUrl: string
}

/**
 * A queue of this test's own, with a DLQ: the shared queue is left to the suite's other tests.
 * `subscribed` puts it on the events topic, so events the app publishes arrive here too.
 */
export async function privateQueue(
  opts: { subscribed?: boolean; visibilitySeconds?: number; maxReceiveCount?: number; name?: string; filterPolicy?: object } = {},
): Promise<PrivateQueue> {
  const name = opts.name ?? uniqueId('notif').slice(0, 60)
  const dlqUrl = await aws.sqs.createQueue(`${name}-dlq`)
  const { QueueArn: dlqArn } = await aws.sqs.getAttributes(dlqUrl, ['QueueArn'])
  const url = await aws.sqs.createQueue(name, {
    VisibilityTimeout: String(opts.visibilitySeconds ?? 60),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: opts.maxReceiveCount ?? 5 }),
  })
  if (opts.subscribed) {
    const { QueueArn: queueArn } = await aws.sqs.getAttributes(url, ['QueueArn'])
    await aws.sns.subscribe(aws.config.SNS_TOPIC_ARN!, 'sqs', queueArn!, opts.filterPolicy ? { FilterPolicy: JSON.stringify(opts.filterPolicy) } : {})
    subscribedQueues.add(url)
  }
  return { url, dlqUrl }
}

/** One run of the event consumer over `queueUrl`, with the app's own handlers (or those of `from`). */
export function drain(queueUrl: string, limits: { maxBatches?: number } = {}, from: Services = testServices({ SQS_QUEUE_URL: queueUrl })): Promise<DrainReport> {
  const { queue, handlers, once } = from.events
  return drainEvents({ queue: queue!, handlers, once, ...limits })
}

/** An event as the worker would publish it, wrapped in the SNS envelope SQS delivers. */
export function envelope(input: EventInput): { event: DomainEvent; body: string } {
  const event = newEvent(input)
  const body = JSON.stringify({
    Type: 'Notification',
    MessageId: crypto.randomUUID(),
    TopicArn: aws.config.SNS_TOPIC_ARN,
    Message: JSON.stringify(event),
    Timestamp: new Date().toISOString(),
  })
  return { event, body }
}

export async function notificationsOf(token: string): Promise<{ unread: number; results: Notification[] }> {
  const res = await api('/me/notifications', { token })
  if (res.status !== 200) throw new Error(`GET /me/notifications: ${res.status} ${await res.text()}`)
  return res.json()
}

/**
 * Drains `queueUrl` until `token`'s notifications satisfy `done` (the app publishes after its
 * response, so the event reaches the queue a moment later). Bounded: gives up after `attempts`.
 */
export async function drainUntil(
  queueUrl: string,
  token: string,
  done: (list: Notification[]) => boolean,
  attempts = 30,
): Promise<Notification[]> {
  for (let i = 0; i < attempts; i++) {
    await drain(queueUrl)
    const { results } = await notificationsOf(token)
    if (done(results)) return results
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the expected notifications never arrived')
}

const worker = createWorker()

/** Runs a cron the way Cloudflare does: the worker's scheduled handler, then its waitUntil work. */
export async function runCron(cron: '*/5 * * * *' | '0 6 * * *'): Promise<void> {
  const ctx = createExecutionContext()
  await worker.scheduled(createScheduledController({ cron, scheduledTime: new Date() }), env, ctx)
  await waitOnExecutionContext(ctx)
}

/** The services a cron job gets, with config overrides (e.g. a private queue). */
export function jobContext(overrides: Partial<typeof aws.config> = {}) {
  const ctx = createExecutionContext()
  return { job: testServices(overrides, ctx), settle: () => waitOnExecutionContext(ctx) }
}

export const queueCounts = async (url: string) => {
  const attrs = await aws.sqs.getAttributes(url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])
  return { visible: Number(attrs.ApproximateNumberOfMessages ?? 0), inFlight: Number(attrs.ApproximateNumberOfMessagesNotVisible ?? 0) }
}
