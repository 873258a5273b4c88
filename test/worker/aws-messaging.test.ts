import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { parseSnsEnvelope } from '../../src/aws/sns'
import type { SqsMessage } from '../../src/aws/sqs'
import { testAws, uniqueId } from './support/aws'

const { sns, sqs, config } = testAws()
const queueUrl = config.SQS_QUEUE_URL!
const topicArn = config.SNS_TOPIC_ARN!
/** Given by the worker suite's global setup beside the app's own bindings. */
const dlqUrl = (env as unknown as Record<string, string>).SQS_DLQ_URL!

/**
 * Receives from the shared queue until the message carrying `marker` arrives, putting other
 * tests' messages straight back (visibility 0) so they are not lost.
 */
async function receiveMarked(marker: string, url = queueUrl): Promise<SqsMessage> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const batch = await sqs.receive(url, { waitSeconds: 1 })
    const found = batch.find((message) => message.body.includes(marker))
    for (const other of batch) if (other !== found) await sqs.changeVisibility(url, other.receiptHandle, 0)
    if (found) return found
  }
  throw new Error(`message ${marker} never arrived`)
}

describe('SNS → SQS against fauxqs', { timeout: 30_000 }, () => {
  it('should deliver a published event to the queue through the subscription, wrapped in the SNS envelope', async () => {
    const marker = uniqueId('event')
    const event = { type: 'welcome', userId: marker }
    const messageId = await sns.publish(topicArn, JSON.stringify(event), { kind: 'welcome' })
    expect(messageId).toMatch(/\S+/)

    const received = await receiveMarked(marker)
    const envelope = parseSnsEnvelope(received.body)
    expect(JSON.parse(envelope.message)).toEqual(event)
    expect(envelope.messageId).toBe(messageId)
    expect(envelope.attributes).toEqual({ kind: 'welcome' })
    expect(received.receiveCount).toBe(1)
    await sqs.delete(queueUrl, received.receiptHandle)
  })

  it('should keep text with XML-special and non-ASCII characters intact end to end', async () => {
    const marker = uniqueId('text')
    const text = `${marker} <Amélie> & "Léon" ’s 🎬`
    await sns.publish(topicArn, text)
    const received = await receiveMarked(marker)
    expect(parseSnsEnvelope(received.body).message).toBe(text)
    await sqs.delete(queueUrl, received.receiptHandle)
  })

  it('should reject publishing to a topic that does not exist with its AWS error type', async () => {
    await expect(sns.publish(`${topicArn}-missing`, 'x')).rejects.toMatchObject({ type: 'NotFound', status: 404 })
  })
})

describe('SQS adapter against fauxqs', { timeout: 30_000 }, () => {
  it('should remove a deleted message for good, while a message made visible again is redelivered', async () => {
    const keep = uniqueId('keep')
    const drop = uniqueId('drop')
    await sqs.send(queueUrl, keep)
    await sqs.send(queueUrl, drop)

    const first = await receiveMarked(keep)
    await sqs.changeVisibility(queueUrl, first.receiptHandle, 0)
    const again = await receiveMarked(keep)
    expect(again.receiveCount).toBe(2)
    await sqs.delete(queueUrl, again.receiptHandle)

    const dropped = await receiveMarked(drop)
    await sqs.delete(queueUrl, dropped.receiptHandle)
    // Other tests may have messages in flight, but none of ours is left.
    const leftovers = await sqs.receive(queueUrl, { maxMessages: 10, visibilityTimeout: 0 })
    expect(leftovers.map((m) => m.body).filter((body) => body === keep || body === drop)).toEqual([])
  })

  it('should delete a batch and report nothing failed', async () => {
    const markers = [uniqueId('batch'), uniqueId('batch'), uniqueId('batch')]
    for (const marker of markers) await sqs.send(queueUrl, marker, { attributes: { marker } })
    const received = []
    for (const marker of markers) received.push(await receiveMarked(marker))
    expect(received.map((m) => m.attributes.marker)).toEqual(markers)
    expect(await sqs.deleteBatch(queueUrl, received.map((m) => m.receiptHandle))).toEqual([])
    const leftovers = await sqs.receive(queueUrl, { maxMessages: 10, visibilityTimeout: 0 })
    expect(leftovers.filter((m) => markers.includes(m.body))).toEqual([])
  })

  it('should move a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const marker = uniqueId('poison')
    await sqs.send(queueUrl, marker)
    const receives: number[] = []
    for (let i = 0; i < 5; i++) {
      const message = await receiveMarked(marker)
      receives.push(message.receiveCount)
      await sqs.changeVisibility(queueUrl, message.receiptHandle, 0)
    }
    expect(receives).toEqual([1, 2, 3, 4, 5])
    // The sixth delivery attempt moves it to the DLQ instead of delivering it.
    const sixth = await sqs.receive(queueUrl, { maxMessages: 10 })
    expect(sixth.filter((m) => m.body === marker)).toEqual([])
    for (const other of sixth) await sqs.changeVisibility(queueUrl, other.receiptHandle, 0)
    const dead = await receiveMarked(marker, dlqUrl)
    await sqs.delete(dlqUrl, dead.receiptHandle)
  })

  it('should reject a queue that does not exist with its AWS error type', async () => {
    await expect(sqs.send(`${queueUrl}-missing`, 'x')).rejects.toMatchObject({ type: 'QueueDoesNotExist', status: 400 })
  })
})
