import { connectionFromConfig, SignedClient, type AwsConfig, type AwsConnection, type ParsedError } from './client'

export type SnsOptions = AwsConnection

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const unescapeXml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    if (entity[0] !== '#') return XML_ENTITIES[entity.toLowerCase()] ?? ''
    const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10)
    return String.fromCodePoint(code)
  })

/** The text of the first `<tag>` in an XML answer (the query protocol's answers are small and flat). */
export function xmlValue(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)
  return match ? unescapeXml(match[1]!.trim()) : undefined
}

function parseXmlError(response: Response, text: string): ParsedError {
  return {
    type: xmlValue(text, 'Code') ?? `Http${response.status}`,
    message: xmlValue(text, 'Message') ?? (text.slice(0, 200) || response.statusText),
  }
}

/** String message attributes, as SNS carries them to subscribers (and filter policies match on). */
export type MessageAttributes = Record<string, string>

/** SNS over the query protocol (form-encoded POST, XML answers), signed with aws4fetch. */
export class Sns {
  private readonly client: SignedClient

  constructor(options: SnsOptions) {
    this.client = new SignedClient('sns', options, parseXmlError)
  }

  static fromConfig(config: AwsConfig, overrides: Partial<SnsOptions> = {}): Sns {
    return new Sns({ ...connectionFromConfig(config, config.SNS_ENDPOINT), ...overrides })
  }

  /** Any action, raw: returns the XML answer. */
  async call(action: string, params: Record<string, string> = {}): Promise<string> {
    const body = new URLSearchParams({ Action: action, ...params, Version: '2010-03-31' })
    return this.client.request({
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: body.toString(),
    })
  }

  /** Publishes a message to a topic; resolves with its MessageId. */
  async publish(topicArn: string, message: string, attributes: MessageAttributes = {}): Promise<string> {
    const params: Record<string, string> = { TopicArn: topicArn, Message: message }
    Object.entries(attributes).forEach(([name, value], i) => {
      const prefix = `MessageAttributes.entry.${i + 1}`
      params[`${prefix}.Name`] = name
      params[`${prefix}.Value.DataType`] = 'String'
      params[`${prefix}.Value.StringValue`] = value
    })
    const xml = await this.call('Publish', params)
    const id = xmlValue(xml, 'MessageId')
    if (!id) throw new Error(`SNS Publish answered without a MessageId: ${xml.slice(0, 200)}`)
    return id
  }

  /** Creates the topic, or returns the existing one's ARN (CreateTopic is idempotent). */
  async createTopic(name: string): Promise<string> {
    const arn = xmlValue(await this.call('CreateTopic', { Name: name }), 'TopicArn')
    if (!arn) throw new Error('SNS CreateTopic answered without a TopicArn')
    return arn
  }

  /** Subscribes an endpoint (e.g. an SQS queue ARN); idempotent for the same topic, protocol and endpoint. */
  async subscribe(topicArn: string, protocol: string, endpoint: string, attributes: Record<string, string> = {}): Promise<string> {
    const params: Record<string, string> = { TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, ReturnSubscriptionArn: 'true' }
    Object.entries(attributes).forEach(([key, value], i) => {
      params[`Attributes.entry.${i + 1}.key`] = key
      params[`Attributes.entry.${i + 1}.value`] = value
    })
    const arn = xmlValue(await this.call('Subscribe', params), 'SubscriptionArn')
    if (!arn) throw new Error('SNS Subscribe answered without a SubscriptionArn')
    return arn
  }
}

export { parseSnsEnvelope, type SnsEnvelope } from '../events/envelope'
