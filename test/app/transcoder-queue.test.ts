import { describe, expect, it } from 'vitest'
import { Sqs } from '../../src/aws/sqs'
import { events } from '../../src/events/schema'
import type { JobMessage } from '../../src/transcoder/job'
import { consumeTranscodeQueue } from '../../src/transcoder/worker'
import { aws, envelope, privateQueue } from '../support/harness/notifications'

/**
 * The transcoder's queue loop (src/transcoder/worker.ts) on fauxqs: one message at a time, kept hidden while its job
 * runs however long that is, deleted once the job is settled, and the queue's last delivery said so.
 */
const VIDEO = '01J0000000000000000000000V'
const sqs = aws.sqs as Sqs
const remaining = async (url: string) => {
  const a = await sqs.getAttributes(url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])
  return `${a.ApproximateNumberOfMessages}/${a.ApproximateNumberOfMessagesNotVisible}`
}

describe('the transcoder queue', { timeout: 30_000 }, () => {
  it('keeps a message hidden past its visibility timeout while the job runs, then deletes it', async () => {
    const queue = await privateQueue({ visibilitySeconds: 1 })
    await sqs.send(queue.url, envelope(events.videoUploaded('operator', VIDEO, 1, 2)).body)
    await sqs.send(queue.url, 'not an event at all')
    const controller = new AbortController()
    const jobs: JobMessage[] = []
    const seenMeanwhile: number[] = []
    let finished = false
    const done = consumeTranscodeQueue({
      queue: sqs,
      queueUrl: queue.url,
      maxReceiveCount: 3,
      visibilitySeconds: 1,
      heartbeatMs: 300,
      waitSeconds: 1,
      log: () => {},
      signal: controller.signal,
      run: async (job) => {
        jobs.push(job)
        // 2.5 visibility timeouts: without the renewals the message would come back to another transcoder.
        for (let i = 0; i < 5; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500))
          seenMeanwhile.push((await sqs.receive(queue.url, { maxMessages: 10, visibilityTimeout: 0 })).filter((m) => m.body.includes(VIDEO)).length)
        }
        finished = true
        return 'ready'
      },
    })
    // Both go: the settled job's message, and the malformed one (never retried, never a job).
    await expect.poll(async () => finished && (await remaining(queue.url)) === '0/0', { timeout: 15_000 }).toBe(true)
    controller.abort()
    await done
    expect(jobs).toEqual([{ videoId: VIDEO, attempt: 2, lastDelivery: false }])
    expect(seenMeanwhile).toEqual([0, 0, 0, 0, 0])
  })

  it("says so when a delivery is the queue's last", async () => {
    const queue = await privateQueue()
    await sqs.send(queue.url, envelope(events.videoUploaded('operator', VIDEO, 1, 1)).body)
    const controller = new AbortController()
    const jobs: JobMessage[] = []
    const done = consumeTranscodeQueue({
      queue: sqs, queueUrl: queue.url, maxReceiveCount: 1, visibilitySeconds: 60, waitSeconds: 1, log: () => {}, signal: controller.signal,
      run: async (job) => (jobs.push(job), controller.abort(), 'failed'),
    })
    await done
    expect(jobs).toEqual([{ videoId: VIDEO, attempt: 1, lastDelivery: true }])
  })
})
