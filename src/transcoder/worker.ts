import { parseEventMessage } from '../events/schema'
import type { JobMessage, JobOutcome } from './job'

/** A received message, as src/aws/sqs.ts's Sqs returns it. */
export interface SqsMessage {
  body: string
  receiptHandle: string
  /** ApproximateReceiveCount: this delivery's number, from 1. */
  receiveCount: number
}

/** The queue calls the transcoder makes (src/aws/sqs.ts's Sqs has them). */
export interface TranscodeQueue {
  receive(queueUrl: string, opts: { maxMessages?: number; waitSeconds?: number; visibilityTimeout?: number }): Promise<SqsMessage[]>
  delete(queueUrl: string, receiptHandle: string): Promise<void>
  changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void>
}

export interface WorkerOptions {
  queue: TranscodeQueue
  queueUrl: string
  /** The queue's receives before the dead-letter queue: the last one fails the video instead of working on it. */
  maxReceiveCount: number
  run: (message: JobMessage) => Promise<JobOutcome>
  log: (line: string) => void
  signal: AbortSignal
  /** How long a received message stays hidden (the queue's own setting), renewed while its job runs (SQS allows 12 h in all). */
  visibilitySeconds: number
  /** Renewal period: well inside visibilitySeconds. */
  heartbeatMs?: number
  /** Long-poll seconds per receive. */
  waitSeconds?: number
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const wake = () => (clearTimeout(timer), signal.removeEventListener('abort', wake), resolve())
    const timer = setTimeout(wake, ms)
    signal.addEventListener('abort', wake, { once: true })
  })

/** The job a message asks for, or null for anything that is not a well-formed `video.uploaded` event. */
export function jobOf(message: SqsMessage, maxReceiveCount: number): JobMessage | null {
  try {
    const event = parseEventMessage(message.body)
    if (event.type !== 'video.uploaded') return null
    return { videoId: event.payload.video_id, attempt: event.payload.attempt, lastDelivery: message.receiveCount >= maxReceiveCount }
  } catch {
    return null
  }
}

/**
 * Takes one message at a time (a job uses every core it is given), keeps it hidden while the job runs, and deletes
 * it once the job is settled either way. A job that throws (the store or the app unreachable) leaves the message to
 * come back; a job that cannot finish at all ends `failed` on its last delivery (TranscodeJobs.claim).
 */
export async function consumeTranscodeQueue(options: WorkerOptions): Promise<void> {
  const visibility = options.visibilitySeconds
  const heartbeatMs = options.heartbeatMs ?? 5 * 60_000
  // A long poll is not worth finishing once the transcoder stops (a message it brings comes back to the next one).
  const stopped = new Promise<null>((resolve) => options.signal.addEventListener('abort', () => resolve(null), { once: true }))
  while (!options.signal.aborted) {
    let messages: SqsMessage[]
    try {
      const received = await Promise.race([options.queue.receive(options.queueUrl, { maxMessages: 1, waitSeconds: options.waitSeconds ?? 20, visibilityTimeout: visibility }), stopped])
      if (!received) break
      messages = received
    } catch (error) {
      options.log(`transcoder: the queue is unreachable (${error instanceof Error ? error.message : String(error)}); trying again in 5 s`)
      await sleep(5_000, options.signal)
      continue
    }
    for (const message of messages) await handle(message, options, visibility, heartbeatMs)
  }
}

async function handle(message: SqsMessage, options: WorkerOptions, visibility: number, heartbeatMs: number): Promise<void> {
  const job = jobOf(message, options.maxReceiveCount)
  if (!job) {
    // Not ours (the subscription filters on the type, so only a malformed body gets here): never retried. A failed
    // delete only means it comes back once more.
    await options.queue.delete(options.queueUrl, message.receiptHandle).catch((error: unknown) => options.log(`transcoder: a malformed message not deleted (${String(error)})`))
    return
  }
  const heartbeat = setInterval(() => {
    options.queue.changeVisibility(options.queueUrl, message.receiptHandle, visibility).catch((error: unknown) => {
      options.log(`transcoder: could not extend the message of ${job.videoId} (${String(error)})`)
    })
  }, heartbeatMs)
  try {
    await options.run(job)
    await options.queue.delete(options.queueUrl, message.receiptHandle)
  } catch (error) {
    if (options.signal.aborted) return // shutting down: the message comes back to the next transcoder
    options.log(`transcoder: ${job.videoId} will be tried again (${error instanceof Error ? error.message : String(error)})`)
  } finally {
    clearInterval(heartbeat)
  }
}
