import { describe, expect, it } from 'vitest'
import { parseSnsEnvelope } from '../../src/aws/sns'
import type { SqsMessage } from '../../src/aws/sqs'
import { NOTIFICATIONS_QUEUE } from '../../infra/resources'
import { testAws, uniqueId } from '../support/harness/aws'

const { sns, sqs, config } = testAws()
const topicArn = config.SNS_TOPIC_ARN!

/**
 * A queue of this test's own (the app's queue is drained by other suites' consumers), optionally
 * with a DLQ, optionally subscribed to the app's topic the way the bootstrap subscribes the app queue.
 */
async function privateQueue(opts: { subscribe?: boolean; maxReceiveCount?: number; filterPolicy?: object } = {}) {
  const name = uniqueId('q')
  let dlqUrl: string | undefined
  const attributes: Record<string, string> = { VisibilityTimeout: '60' }
  if (opts.maxReceiveCount) {
    dlqUrl = await sqs.createQueue(`${name}-dlq`)
    const { QueueArn } = await sqs.getAttributes(dlqUrl, ['QueueArn'])
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: QueueArn, maxReceiveCount: opts.maxReceiveCount })
  }
  const url = await sqs.createQueue(name, attributes)
  const filter: Record<string, string> = opts.filterPolicy ? { FilterPolicy: JSON.stringify(opts.filterPolicy) } : {}
  if (opts.subscribe) await sns.subscribe(topicArn, 'sqs', (await sqs.getAttributes(url, ['QueueArn'])).QueueArn!, filter)
  return { url, dlqUrl }
}

/** Receives until the message carrying `marker` arrives, putting any others straight back. */
async function receiveMarked(url: string, marker: string): Promise<SqsMessage> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const batch = await sqs.receive(url, { waitSeconds: 1 })
    const found = batch.find((message) => message.body.includes(marker))
    for (const other of batch) if (other !== found) await sqs.changeVisibility(url, other.receiptHandle, 0)
    if (found) return found
  }
  throw new Error(`message ${marker} never arrived`)
}

describe('the local bootstrap', () => {
  it('should subscribe the app queue to the app topic and give it a DLQ after 5 receives', async () => {
    const queueArn = (await sqs.getAttributes(config.SQS_QUEUE_URL!, ['QueueArn'])).QueueArn
    const subscriptions = await sns.call('ListSubscriptionsByTopic', { TopicArn: topicArn })
    expect(subscriptions).toContain(`<Endpoint>${queueArn}</Endpoint>`)
    const { RedrivePolicy } = await sqs.getAttributes(config.SQS_QUEUE_URL!, ['RedrivePolicy'])
    expect(JSON.parse(RedrivePolicy!)).toMatchObject({ maxReceiveCount: 5 })
  })
})

describe('SNS → SQS against fauxqs', { timeout: 30_000 }, () => {
  it('should deliver a published event to a subscribed queue, wrapped in the SNS envelope', async () => {
    const { url } = await privateQueue({ subscribe: true })
    const marker = uniqueId('event')
    const event = { type: 'welcome', userId: marker }
    const messageId = await sns.publish(topicArn, JSON.stringify(event), { kind: 'welcome' })
    expect(messageId).toMatch(/\S+/)

    const received = await receiveMarked(url, marker)
    const envelope = parseSnsEnvelope(received.body)
    expect(JSON.parse(envelope.message)).toEqual(event)
    expect(envelope.messageId).toBe(messageId)
    expect(envelope.attributes).toEqual({ kind: 'welcome' })
    expect(received.receiveCount).toBe(1)
    await sqs.delete(url, received.receiptHandle)
  })

  it("should keep uploads out of the notifications queue's subscription (the transcoder's queue takes them)", async () => {
    const { url } = await privateQueue({ subscribe: true, filterPolicy: NOTIFICATIONS_QUEUE.filterPolicy! })
    const marker = uniqueId('filter')
    await sns.publish(topicArn, `${marker} upload`, { type: 'video.uploaded' })
    await sns.publish(topicArn, `${marker} ready`, { type: 'video.ready' })
    const received = await receiveMarked(url, `${marker} ready`)
    await sqs.delete(url, received.receiptHandle)
    const rest = await sqs.receive(url, { waitSeconds: 1 })
    expect(rest.map((message) => parseSnsEnvelope(message.body).message)).not.toContain(`${marker} upload`)
  })

  it('should keep text with XML-special and non-ASCII characters intact end to end', async () => {
    const { url } = await privateQueue({ subscribe: true })
    const marker = uniqueId('text')
    const text = `${marker} <Amélie> & "Léon" ’s 🎬`
    await sns.publish(topicArn, text)
    const received = await receiveMarked(url, marker)
    expect(parseSnsEnvelope(received.body).message).toBe(text)
  })

  it('should reject publishing to a topic that does not exist with its AWS error type', async () => {
    await expect(sns.publish(`${topicArn}-missing`, 'x')).rejects.toMatchObject({ type: 'NotFound', status: 404 })
  })
})

describe('SQS adapter against fauxqs', { timeout: 30_000 }, () => {
  it('should remove a deleted message for good, while a message made visible again is redelivered', async () => {
    const { url } = await privateQueue()
    await sqs.send(url, 'keep')
    await sqs.send(url, 'drop')
    const first = await receiveMarked(url, 'keep')
    await sqs.changeVisibility(url, first.receiptHandle, 0)
    const again = await receiveMarked(url, 'keep')
    expect(again.receiveCount).toBe(2)
    await sqs.delete(url, again.receiptHandle)
    const dropped = await receiveMarked(url, 'drop')
    await sqs.delete(url, dropped.receiptHandle)
    expect(await sqs.receive(url, { visibilityTimeout: 0 })).toEqual([])
  })

  it('should delete a batch and report nothing failed', async () => {
    const { url } = await privateQueue()
    const markers = ['one', 'two', 'three']
    for (const marker of markers) await sqs.send(url, marker, { attributes: { marker } })
    const received = []
    for (const marker of markers) received.push(await receiveMarked(url, marker))
    expect(received.map((m) => m.attributes.marker)).toEqual(markers)
    expect(await sqs.deleteBatch(url, received.map((m) => m.receiptHandle))).toEqual([])
    expect(await sqs.receive(url, { visibilityTimeout: 0 })).toEqual([])
  })

  it('should move a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const { url, dlqUrl } = await privateQueue({ maxReceiveCount: 5 })
    await sqs.send(url, 'poison')
    const receives: number[] = []
    for (let i = 0; i < 5; i++) {
      const message = await receiveMarked(url, 'poison')
      receives.push(message.receiveCount)
      await sqs.changeVisibility(url, message.receiptHandle, 0)
    }
    expect(receives).toEqual([1, 2, 3, 4, 5])
    // The sixth delivery attempt moves it to the DLQ instead of delivering it.
    expect(await sqs.receive(url)).toEqual([])
    const dead = await receiveMarked(dlqUrl!, 'poison')
    expect(dead.body).toBe('poison')
  })

  it('should reject a queue that does not exist with its AWS error type', async () => {
    await expect(sqs.send(`${config.SQS_QUEUE_URL}-missing`, 'x')).rejects.toMatchObject({ type: 'QueueDoesNotExist', status: 400 })
  })
})
