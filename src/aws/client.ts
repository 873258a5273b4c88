import { AwsClient } from 'aws4fetch'
import type { AwsCredentials, CredentialsSource } from './credentials'
import { AwsError, isThrottlingType, shortErrorType, toAwsError } from './errors'

/** Connection settings shared by the DynamoDB, SNS and SQS clients. */
export interface AwsConnection {
  /** Service endpoint; the AWS regional endpoint when omitted. */
  endpoint?: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /**
   * Where the current credentials come from (the Node runtime's task role or IRSA); when set, every request
   * signs with what it answers and the static keys above are not used.
   */
  credentials?: CredentialsSource
  /** Transport; defaults to the global fetch. */
  fetch?: typeof fetch
  /** Retries after the first attempt on throttling, 5xx and network errors (default 3). */
  maxRetries?: number
  /** Base of the jittered exponential backoff in ms (default 50). */
  baseDelayMs?: number
  /** An attempt without an answer after this long counts as a network error (default 5000 ms): a blackholed connection must not hang a request. */
  attemptTimeoutMs?: number
}

/** The AWS-related part of the worker config (src/config.ts Config satisfies it). */
export interface AwsConfig {
  AWS_REGION: string
  AWS_ACCESS_KEY_ID: string
  AWS_SECRET_ACCESS_KEY: string
  AWS_SESSION_TOKEN?: string
  DYNAMODB_ENDPOINT?: string
  SNS_ENDPOINT?: string
  SQS_ENDPOINT?: string
  SES_ENDPOINT?: string
}

export function connectionFromConfig(config: AwsConfig, endpoint: string | undefined): AwsConnection {
  return {
    endpoint,
    region: config.AWS_REGION,
    accessKeyId: config.AWS_ACCESS_KEY_ID,
    secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
    ...(config.AWS_SESSION_TOKEN ? { sessionToken: config.AWS_SESSION_TOKEN } : {}),
  }
}

/** What a protocol reads out of an error answer. */
export interface ParsedError {
  type: string
  message: string
  reasons?: string[]
}

export interface SignedRequest {
  headers: Record<string, string>
  body: string
  /** Path under the endpoint; '/' by default. */
  path?: string
}

/** Error answers of the JSON protocols (DynamoDB, SQS): `{__type, message}`. */
export function parseJsonError(response: Response, text: string): ParsedError {
  try {
    const body = JSON.parse(text) as { __type?: string; message?: string; Message?: string; CancellationReasons?: { Code?: string }[] }
    return {
      type: shortErrorType(body.__type ?? `Http${response.status}`),
      message: body.message ?? body.Message ?? text,
      ...(body.CancellationReasons ? { reasons: body.CancellationReasons.map((r) => r.Code ?? 'None') } : {}),
    }
  } catch {
    return { type: `Http${response.status}`, message: text.slice(0, 200) || response.statusText }
  }
}

/** Stateless without `stream`: one decoder for every answer. */
const utf8 = new TextDecoder()

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * aws4fetch's cache of derived SigV4 signing keys (four HMACs per key), shared by every client of the isolate.
 * Clients are built per request (services are), so a cache of their own was always empty and every call
 * re-derived the key. Keyed by secret, date, region and service: a handful of entries a day; cleared when it grows.
 */
const signingKeys = new Map<string, ArrayBuffer>()
const MAX_SIGNING_KEYS = 64
function sharedSigningKeys(): Map<string, ArrayBuffer> {
  if (signingKeys.size > MAX_SIGNING_KEYS) signingKeys.clear()
  return signingKeys
}

/**
 * Signs (SigV4, via aws4fetch) and sends POST requests to one AWS service, retrying with
 * full-jitter exponential backoff on throttling, 5xx and network errors only.
 */
export class SignedClient {
  readonly endpoint: string
  private readonly region: string
  /** The signer for the credentials last used; rebuilt only when a credentials source answers new ones. */
  private signer: AwsClient
  private signerCredentials: AwsCredentials
  private readonly credentials: CredentialsSource | undefined
  private readonly send: typeof fetch
  private readonly maxRetries: number
  private readonly baseDelayMs: number
  private readonly attemptTimeoutMs: number

  constructor(
    private readonly service: string,
    connection: AwsConnection,
    private readonly parseError: (response: Response, text: string) => ParsedError,
  ) {
    this.endpoint = (connection.endpoint ?? `https://${service}.${connection.region}.amazonaws.com`).replace(/\/+$/, '')
    this.region = connection.region
    this.credentials = connection.credentials
    this.signerCredentials = {
      accessKeyId: connection.accessKeyId,
      secretAccessKey: connection.secretAccessKey,
      ...(connection.sessionToken ? { sessionToken: connection.sessionToken } : {}),
    }
    this.signer = this.signerFor(this.signerCredentials)
    // workerd throws "Illegal invocation" when its fetch is called as a method of another object.
    const transport = connection.fetch
    this.send = transport ? (input, init) => transport(input, init) : (input, init) => fetch(input, init)
    this.maxRetries = connection.maxRetries ?? 3
    this.baseDelayMs = connection.baseDelayMs ?? 50
    this.attemptTimeoutMs = connection.attemptTimeoutMs ?? 5000
  }

  private signerFor(credentials: AwsCredentials): AwsClient {
    return new AwsClient({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      service: this.service,
      region: this.region,
      retries: 0,
      cache: sharedSigningKeys(),
    })
  }

  /** The signer for the current credentials: the static one, or the source's latest answer. */
  private async currentSigner(): Promise<AwsClient> {
    if (!this.credentials) return this.signer
    let fresh: AwsCredentials
    try {
      fresh = await this.credentials()
    } catch (error) {
      // Status 0: retried like a network error. The message names the provider's failure, never a value.
      throw new AwsError('CredentialsUnavailable', 0, `no AWS credentials for ${this.service}: ${error instanceof Error ? error.message : 'unknown error'}`, { cause: error })
    }
    const known = this.signerCredentials
    if (fresh.accessKeyId !== known.accessKeyId || fresh.secretAccessKey !== known.secretAccessKey || fresh.sessionToken !== known.sessionToken) {
      this.signer = this.signerFor(fresh)
      this.signerCredentials = fresh
    }
    return this.signer
  }

  /** Sends the request; resolves with the body text of a 2xx answer, throws an AwsError otherwise. */
  async request(request: SignedRequest): Promise<string> {
    const url = this.endpoint + (request.path ?? '/')
    for (let attempt = 0; ; attempt++) {
      let failure: AwsError
      try {
        const signal = AbortSignal.timeout(this.attemptTimeoutMs)
        const signer = this.credentials ? await this.currentSigner() : this.signer
        const signed = await signer.sign(url, { method: 'POST', headers: request.headers, body: request.body, signal })
        const response = await this.send(signed)
        // Decoded by hand: workerd warns on .text() for AWS's x-amz-json content types.
        const text = utf8.decode(await response.arrayBuffer())
        if (response.ok) return text
        const parsed = this.parseError(response, text)
        failure = errorFor(parsed, response.status)
        const retryable = response.status >= 500 || response.status === 429 || isThrottlingType(parsed.type)
        if (!retryable) throw failure
      } catch (error) {
        if (error instanceof AwsError) {
          if (!isRetryable(error)) throw error
          failure = error
        } else {
          failure = new AwsError('NetworkError', 0, `${this.service} unreachable at ${this.endpoint}: ${String(error)}`, { cause: error })
        }
      }
      if (attempt >= this.maxRetries) throw failure
      await sleep(Math.random() * this.baseDelayMs * 2 ** attempt)
    }
  }
}

function isRetryable(error: AwsError): boolean {
  return error.status === 0 || error.status >= 500 || error.status === 429 || isThrottlingType(error.type)
}

function errorFor(parsed: ParsedError, status: number): AwsError {
  return toAwsError(parsed.type, status, parsed.message, parsed.reasons ? { reasons: parsed.reasons } : undefined)
}
