import { connectionFromConfig, parseJsonError, SignedClient, type AwsConfig, type AwsConnection } from './client'

export type SesOptions = AwsConnection

/** One email as SES v2 `SendEmail` takes it (Simple content: subject, text, HTML, extra headers). */
export interface OutgoingEmail {
  from: string
  to: string
  subject: string
  text: string
  html: string
  /** Extra headers, e.g. List-Unsubscribe (SES v2 `Content.Simple.Headers`). */
  headers?: Record<string, string>
}

/** SES v2 over its REST/JSON API, signed with aws4fetch (signing name `ses`, host `email.<region>`). */
export class Ses {
  private readonly client: SignedClient

  constructor(options: SesOptions) {
    this.client = new SignedClient('ses', { ...options, endpoint: options.endpoint ?? `https://email.${options.region}.amazonaws.com` }, parseJsonError)
  }

  static fromConfig(config: AwsConfig, overrides: Partial<SesOptions> = {}): Ses {
    return new Ses({ ...connectionFromConfig(config, config.SES_ENDPOINT), ...overrides })
  }

  /** An operation by name: its REST path and JSON body. */
  private async call(operation: 'SendEmail', body: unknown): Promise<string> {
    const paths = { SendEmail: '/v2/email/outbound-emails' } as const
    return this.client.request({ path: paths[operation], headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  }

  /** Sends one email; resolves with SES's MessageId. */
  async sendEmail(email: OutgoingEmail): Promise<string> {
    const headers = Object.entries(email.headers ?? {}).map(([Name, Value]) => ({ Name, Value }))
    const answer = await this.call('SendEmail', {
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          ...(headers.length > 0 ? { Headers: headers } : {}),
        },
      },
    })
    const id = (JSON.parse(answer || '{}') as { MessageId?: string }).MessageId
    if (!id) throw new Error('SES SendEmail answered without a MessageId')
    return id
  }
}
