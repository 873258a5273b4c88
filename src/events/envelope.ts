/** The SNS → SQS envelope format (an AWS wire format the event consumer reads; src/aws/sns.ts re-exports it). */

/** The envelope SNS wraps a message in when delivering to SQS without raw delivery. */
export interface SnsEnvelope {
  Type: string
  MessageId: string
  TopicArn: string
  Message: string
  Timestamp: string
  MessageAttributes?: Record<string, { Type: string; Value: string }>
}

/** Reads an SQS message body delivered from SNS; a raw (non-envelope) body is returned as the message. */
export function parseSnsEnvelope(body: string): { message: string; attributes: Record<string, string>; messageId?: string } {
  try {
    const parsed = JSON.parse(body) as Partial<SnsEnvelope>
    if (parsed && parsed.Type === 'Notification' && typeof parsed.Message === 'string') {
      const attributes = Object.fromEntries(Object.entries(parsed.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]))
      return { message: parsed.Message, attributes, ...(parsed.MessageId ? { messageId: parsed.MessageId } : {}) }
    }
  } catch {
    // not JSON: a raw delivery
  }
  return { message: body, attributes: {} }
}
