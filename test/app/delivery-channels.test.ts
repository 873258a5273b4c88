import { createExecutionContext, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { drainEvents, type EventQueue } from '../../src/events/dispatcher'
import type { TopicClient } from '../../src/events/outbox'
import { events, newEvent, type DomainEvent } from '../../src/events/schema'
import { signUp } from '../support/harness/accounts'
import { testServices } from '../support/harness/services'
import { recordingChannel } from '../support/recording-channel'

/** A queue that hands out these events once (as SQS does once they are deleted), each as a message of its own. */
function queueOf(...list: DomainEvent[]): EventQueue {
  const messages = list.map((event, i) => ({ messageId: `m${i}`, receiptHandle: `r${i}`, body: JSON.stringify(event), receiveCount: 1 }))
  return { receive: async () => messages.splice(0), deleteBatch: async () => [] }
}

/** An SNS stand-in that keeps what the outbox publishes: the events a request staged. */
function topicKeeping(published: DomainEvent[]): () => TopicClient {
  return () => ({ publish: async (_arn, message) => void published.push(JSON.parse(message) as DomainEvent) })
}

describe('delivery channels (src/notifications/channels.ts)', { timeout: 30_000 }, () => {
  it('should deliver a new notification to a channel a test adds, once, even when its event is delivered twice', async () => {
    const recording = recordingChannel()
    const published: DomainEvent[] = []
    const ctx = createExecutionContext()
    // No VAPID keys here: the added channel alone delivers after the commit, and that is enough to stage the event.
    const services = testServices({}, ctx, { channels: [recording.channel], topic: topicKeeping(published) })
    const { user } = await signUp()
    await drainEvents({ ...services.events, queue: queueOf(newEvent(events.signedUp(user.id))) })
    // Right after the commit: delivered at once.
    await waitOnExecutionContext(ctx)
    const created = published.filter((event) => event.type === 'notification.created')
    expect(created).toHaveLength(1)
    const notificationId = created[0]!.type === 'notification.created' ? created[0]!.payload.notification_id : ''
    expect(recording.deliveries).toEqual([{ userId: user.id, notificationId, type: 'welcome', title: expect.stringMatching(/welcome/i) }])

    // The queue's delivery of the event, then a redelivery: the channel's marker keeps both from recording again.
    const report = await drainEvents({ ...services.events, queue: queueOf(created[0]!, created[0]!) })
    expect(report).toMatchObject({ received: 2, processed: 2, failed: 0, duplicates: 2, notified: 0 })
    expect(recording.deliveries).toHaveLength(1)
  })

  it('should stage no notification.created while only in-app delivers (no VAPID keys, no added channel)', async () => {
    const published: DomainEvent[] = []
    const services = testServices({}, createExecutionContext(), { topic: topicKeeping(published) })
    const { user } = await signUp()
    const report = await drainEvents({ ...services.events, queue: queueOf(newEvent(events.signedUp(user.id))) })
    expect(report).toMatchObject({ processed: 1, failed: 0 })
    expect(published.filter((event) => event.type === 'notification.created')).toEqual([])
    expect(services.events.handlers['notification.created'] ?? []).toEqual([])
  })
})
