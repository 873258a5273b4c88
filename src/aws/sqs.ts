import { connectionFromConfig, parseJsonError, SignedClient, type AwsConfig, type AwsConnection } from './client'

export type SqsOptions = AwsConnection

export interface SqsMessage {
  messageId: string
  receiptHandle: string
  body: string
  /** How many times this message has been received, including this time (1 on first delivery). */
  receiveCount: number
  attributes: Record<string, string>
}

export interface ReceiveOptions {
  /** 1–10 (default 10). */
  maxMessages?: number
  /** Long-poll seconds, 0–20 (default 0: answer at once). */
  waitSeconds?: number
  visibilityTimeout?: number
}

interface WireMessage {
  MessageId: string
  ReceiptHandle: string
  Body: string
  Attributes?: Record<string, string>
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>
}

/**
 * SQS over its JSON protocol (`x-amz-target: AmazonSQS.<Op>`), POSTed to the endpoint root with
 * `QueueUrl` in the body, so queue URLs whose host does not resolve (local emulators) still work.
 */
export class Sqs {
  private readonly client: SignedClient

  constructor(options: SqsOptions) {
    this.client = new SignedClient('sqs', options, parseJsonError)
  }

  static fromConfig(config: AwsConfig, overrides: Partial<SqsOptions> = {}): Sqs {
    return new Sqs({ ...connectionFromConfig(config, config.SQS_ENDPOINT), ...overrides })
  }

  /** Any operation, raw JSON in and out. */
  async call<T = any>(operation: string, input: Record<string, unknown>): Promise<T> {
    const text = await this.client.request({
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` },
      body: JSON.stringify(input),
    })
    return (text ? JSON.parse(text) : {}) as T
  }

  /** Sends a message; resolves with its MessageId. */
  async send(queueUrl: string, body: string, opts: { delaySeconds?: number; attributes?: Record<string, string> } = {}): Promise<string> {
    const out = await this.call<{ MessageId: string }>('SendMessage', {
      QueueUrl: queueUrl,
      MessageBody: body,
      ...(opts.delaySeconds !== undefined ? { DelaySeconds: opts.delaySeconds } : {}),
      ...(opts.attributes
        ? {
            MessageAttributes: Object.fromEntries(
              Object.entries(opts.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
            ),
          }
        : {}),
    })
    return out.MessageId
  }

  /** Receives up to `maxMessages` messages; they stay hidden for the visibility timeout until deleted. */
  async receive(queueUrl: string, opts: ReceiveOptions = {}): Promise<SqsMessage[]> {
    const out = await this.call<{ Messages?: WireMessage[] }>('ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: opts.maxMessages ?? 10,
      WaitTimeSeconds: opts.waitSeconds ?? 0,
      ...(opts.visibilityTimeout !== undefined ? { VisibilityTimeout: opts.visibilityTimeout } : {}),
      MessageSystemAttributeNames: ['All'],
      AttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    })
    return (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1'),
      attributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ''])),
    }))
  }

  async delete(queueUrl: string, receiptHandle: string): Promise<void> {
    await this.call('DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: receiptHandle })
  }

  /** Deletes up to 10 messages per call (chunked); resolves with the receipt handles that failed. */
  async deleteBatch(queueUrl: string, receiptHandles: string[]): Promise<string[]> {
    const failed: string[] = []
    for (let start = 0; start < receiptHandles.length; start += 10) {
      const chunk = receiptHandles.slice(start, start + 10)
      const out = await this.call<{ Failed?: { Id: string }[] }>('DeleteMessageBatch', {
        QueueUrl: queueUrl,
        Entries: chunk.map((handle, i) => ({ Id: String(i), ReceiptHandle: handle })),
      })
      for (const entry of out.Failed ?? []) failed.push(chunk[Number(entry.Id)]!)
    }
    return failed
  }

  /** Hides a received message for `seconds` more (0 makes it visible again at once). */
  async changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
    await this.call('ChangeMessageVisibility', { QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds })
  }

  /** Creates the queue or returns the existing one's URL (idempotent when attributes match). */
  async createQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
    const out = await this.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name, Attributes: attributes })
    return out.QueueUrl
  }

  async getAttributes(queueUrl: string, names: string[] = ['All']): Promise<Record<string, string>> {
    const out = await this.call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: names })
    return out.Attributes ?? {}
  }

  async setAttributes(queueUrl: string, attributes: Record<string, string>): Promise<void> {
    await this.call('SetQueueAttributes', { QueueUrl: queueUrl, Attributes: attributes })
  }
}
