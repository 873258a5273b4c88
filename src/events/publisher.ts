import { newEvent, type DomainEvent, type EventInput } from './schema'

/** The part of the SNS client the publisher needs (src/aws/sns.ts satisfies it). */
export interface TopicClient {
  publish(topicArn: string, message: string, attributes?: Record<string, string>): Promise<unknown>
}

export interface PublisherOptions {
  /** Unset: publishing is a logged no-op (local runs without SNS). */
  topicArn: string | undefined
  /** Built lazily, so a request that publishes nothing never constructs a client. */
  topic: () => TopicClient
  /** Runs the publish after the response (ExecutionContext.waitUntil). */
  defer: (work: Promise<unknown>) => void
  /** Attempts in total, each already retried by the signed client on 5xx/network errors. */
  attempts?: number
  /** Wait before attempt n (ms, doubled each time). */
  retryDelayMs?: number
}

export type Publish = (input: EventInput) => DomainEvent

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Per-isolate: the "no topic configured" notice is worth one log line, not one per request.
const warnedNoTopic = new WeakSet<object>()
const NO_TOPIC_KEY = {}

/**
 * Builds `publish(input)`: returns the event at once and sends it to SNS after the response.
 * A failure is logged and never reaches the caller, so the user's request neither fails nor waits.
 */
export function createPublisher(options: PublisherOptions): Publish {
  const attempts = Math.max(1, options.attempts ?? 3)
  const baseDelay = options.retryDelayMs ?? 200
  return (input) => {
    const event = newEvent(input)
    const topicArn = options.topicArn
    if (!topicArn) {
      if (!warnedNoTopic.has(NO_TOPIC_KEY)) {
        warnedNoTopic.add(NO_TOPIC_KEY)
        console.warn('SNS_TOPIC_ARN is unset: domain events are not published (notifications stay quiet)')
      }
      return event
    }
    const send = async () => {
      const message = JSON.stringify(event)
      for (let attempt = 1; ; attempt++) {
        try {
          await options.topic().publish(topicArn, message, { type: event.type })
          return
        } catch (error) {
          if (attempt >= attempts) {
            console.error(`event ${event.type} ${event.id} not published after ${attempt} attempts`, String(error))
            return
          }
          await sleep(baseDelay * 2 ** (attempt - 1))
        }
      }
    }
    options.defer(send())
    return event
  }
}
