import { AwsClient } from 'aws4fetch'
import {
  MediaDigestMismatchError,
  MediaUploadNotFoundError,
  type MediaObject,
  type MediaObjectInfo,
  type MediaRange,
  type MediaStore,
  type UploadedPart,
} from '../media/store'
import { connectionFromConfig, type AwsConfig, type AwsConnection } from './client'
import type { AwsCredentials } from './credentials'
import { AwsError, isThrottlingType, toAwsError } from './errors'

/**
 * The media store on S3 (the Node runtime and the transcoder), signed with aws4fetch and runtime-neutral (no node:
 * imports): REST calls with small XML bodies read by regex. Payloads are sent UNSIGNED-PAYLOAD so streamed parts are
 * never hashed here; S3 checks Content-MD5 itself. With MEDIA_S3_ENDPOINT (fauxqs locally) requests are path-style.
 */

/** 64 MiB parts on S3; 8 MiB against an emulator (fauxqs refuses bodies over 11 MiB and wants ≥ 5 MiB but the last). */
export const S3_PART_SIZE = 64 * 2 ** 20
export const S3_EMULATOR_PART_SIZE = 8 * 2 ** 20

export interface S3MediaOptions extends AwsConnection {
  bucket: string
  partSize?: number
  /**
   * Also compare a part's returned ETag with its Content-MD5 (default: when an endpoint is set). For emulators that
   * ignore Content-MD5 (fauxqs); off on AWS, which checks it itself and whose ETags are not MD5s under SSE-KMS.
   */
  verifyPartEtag?: boolean
  /** How long a streamed upload may take until S3 answers (default 15 min: the client's pace sets it). */
  uploadTimeoutMs?: number
}

export interface MediaS3Config extends AwsConfig {
  MEDIA_S3_BUCKET?: string
  MEDIA_S3_ENDPOINT?: string
  MEDIA_PART_SIZE?: number
}

type Body = string | Uint8Array | ReadableStream<Uint8Array>

interface S3Request {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE'
  /** The object's key; absent: the bucket itself. */
  key?: string
  query?: Record<string, string>
  headers?: Record<string, string>
  body?: Body
  /** Return as soon as the headers arrive (GetObject): the body is the caller's to read. */
  streamed?: boolean
}

/** The Signing keys aws4fetch derives (four HMACs each), shared by every store of the isolate. */
const signingKeys = new Map<string, ArrayBuffer>()

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** encodeURIComponent plus the RFC 3986 reserved characters S3's signature encodes; '/' kept between segments. */
const encodeSegment = (segment: string) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const unescapeXml = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) =>
    name[0] === '#' ? String.fromCodePoint(Number(name[1] === 'x' || name[1] === 'X' ? `0${name.slice(1)}` : name.slice(1))) : (XML_ENTITIES[name] ?? entity),
  )
const xmlValue = (xml: string, tag: string) => {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)
  return match ? unescapeXml(match[1]!) : undefined
}
const unquote = (etag: string | null) => (etag ?? '').replace(/^(W\/)?"|"$/g, '')

/** A Content-MD5 value (base64) as hex; undefined when it is not 16 bytes of base64. */
function md5Hex(base64: string): string | undefined {
  try {
    const binary = atob(base64)
    return binary.length === 16 ? [...binary].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('') : undefined
  } catch {
    return undefined
  }
}

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return btoa(String.fromCharCode(...digest))
}

/** The Range header of a MediaRange; RangeError for one no object could satisfy (S3 would ignore it and send all). */
function rangeHeader(range: MediaRange): string {
  if ('suffix' in range) {
    if (!(range.suffix > 0)) throw new RangeError(`range not satisfiable: last ${range.suffix} bytes`)
    return `bytes=-${range.suffix}`
  }
  if (!(range.offset >= 0) || (range.length !== undefined && !(range.length > 0))) throw new RangeError(`range not satisfiable: ${range.offset}+${range.length}`)
  return `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`
}

/** The port's error for an S3 error code where there is one, else an AwsError. */
function errorFor(status: number, type: string, message: string): Error {
  if (type === 'NoSuchUpload') return new MediaUploadNotFoundError(message)
  if (type === 'BadDigest' || type === 'InvalidDigest') return new MediaDigestMismatchError(message)
  if (type === 'InvalidRange' || status === 416) return new RangeError(message)
  return toAwsError(type, status, message)
}

export class S3MediaStore implements MediaStore {
  readonly kind = 's3'
  readonly partSize: number
  private readonly base: string
  private readonly bucketPath: string
  private readonly verifyPartEtag: boolean
  private readonly uploadTimeoutMs: number
  private signer: { client: AwsClient; credentials: AwsCredentials } | undefined
  private readonly send: typeof fetch

  constructor(private readonly options: S3MediaOptions) {
    const { bucket, endpoint, region } = options
    // Virtual-hosted on AWS (path-style is deprecated there), unless the bucket's dots would break TLS; path-style for endpoints.
    const pathStyle = endpoint !== undefined || bucket.includes('.')
    this.base = pathStyle ? `${(endpoint ?? `https://s3.${region}.amazonaws.com`).replace(/\/+$/, '')}/${bucket}` : `https://${bucket}.s3.${region}.amazonaws.com`
    this.bucketPath = pathStyle ? '' : '/'
    this.partSize = options.partSize ?? (endpoint ? S3_EMULATOR_PART_SIZE : S3_PART_SIZE)
    this.verifyPartEtag = options.verifyPartEtag ?? endpoint !== undefined
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 15 * 60_000
    // workerd throws "Illegal invocation" when its fetch is called as a method of another object.
    const transport = options.fetch
    this.send = transport ? (input, init) => transport(input, init) : (input, init) => fetch(input, init)
  }

  static fromConfig(config: MediaS3Config & { MEDIA_S3_BUCKET: string }, overrides: Partial<S3MediaOptions> = {}): S3MediaStore {
    return new S3MediaStore({
      ...connectionFromConfig(config, config.MEDIA_S3_ENDPOINT),
      bucket: config.MEDIA_S3_BUCKET,
      ...(config.MEDIA_PART_SIZE ? { partSize: config.MEDIA_PART_SIZE } : {}),
      ...overrides,
    })
  }

  /** The signer for the current credentials (a credentials source's latest answer, else the static keys). */
  private async client(): Promise<AwsClient> {
    const { credentials: source, accessKeyId, secretAccessKey, sessionToken, region } = this.options
    const fresh: AwsCredentials = source ? await source() : { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
    const known = this.signer?.credentials
    if (!known || known.accessKeyId !== fresh.accessKeyId || known.secretAccessKey !== fresh.secretAccessKey || known.sessionToken !== fresh.sessionToken) {
      if (signingKeys.size > 64) signingKeys.clear()
      const client = new AwsClient({ ...fresh, service: 's3', region, retries: 0, cache: signingKeys })
      this.signer = { client, credentials: fresh }
    }
    return this.signer!.client
  }

  /**
   * One S3 call. Retries throttling, 5xx and network errors with jittered backoff, unless the body is a stream
   * (it cannot be sent twice). Resolves with the response and, unless `streamed`, its text; throws an error of the
   * port's types where one fits, else an AwsError.
   */
  private async call(request: S3Request): Promise<{ response: Response; text: string }> {
    const path = request.key === undefined ? this.bucketPath : `/${request.key.split('/').map(encodeSegment).join('/')}`
    // Valueless sub-resources go as AWS's SDKs send them (`?uploads`, `?delete`).
    const query = Object.entries(request.query ?? {})
      .map(([name, value]) => (value === '' ? encodeSegment(name) : `${encodeSegment(name)}=${encodeSegment(value)}`))
      .join('&')
    const url = `${this.base}${path}${query ? `?${query}` : ''}`
    const streamedBody = request.body instanceof ReadableStream
    const retries = streamedBody ? 0 : (this.options.maxRetries ?? 3)
    for (let attempt = 0; ; attempt++) {
      let outcome: { response: Response; text: string } | Error
      try {
        // Streams and joins take as long as the bytes do (S3 may spend minutes joining 800 parts).
        const slow = streamedBody || request.query?.uploadId !== undefined
        outcome = await this.attempt(url, request, slow ? this.uploadTimeoutMs : (this.options.attemptTimeoutMs ?? 5000))
      } catch (error) {
        outcome = new AwsError('NetworkError', 0, `S3 request to ${this.base} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      }
      if (!(outcome instanceof Error)) return outcome
      const retryable = outcome instanceof AwsError && (outcome.status === 0 || outcome.status >= 500 || outcome.status === 429 || isThrottlingType(outcome.type))
      if (!retryable || attempt >= retries) throw outcome
      await sleep(Math.random() * (this.options.baseDelayMs ?? 50) * 2 ** attempt)
    }
  }

  /** Sends once; an error answer comes back as the error to throw, a transport failure throws. */
  private async attempt(url: string, request: S3Request, timeoutMs: number): Promise<{ response: Response; text: string } | Error> {
    const abort = new AbortController()
    // Until the headers (streamed) or the whole answer: a blackholed connection must not hang the caller.
    const timer = setTimeout(() => abort.abort(new Error(`no answer from S3 in ${timeoutMs} ms`)), timeoutMs)
    try {
      // duplex: Node's fetch refuses a stream body without it; workerd ignores it.
      const init = { method: request.method, headers: request.headers ?? {}, body: request.body ?? null, signal: abort.signal, duplex: 'half' }
      const response = await this.send(await (await this.client()).sign(url, init as RequestInit))
      if (request.streamed && response.ok) return { response, text: '' }
      const text = request.method === 'HEAD' ? '' : await response.text()
      // CompleteMultipartUpload can fail after a 200: its body is then an <Error>.
      if (response.ok && !/^\s*(<\?xml[^>]*>\s*)?<Error>/.test(text)) return { response, text }
      const status = response.ok ? 500 : response.status
      return errorFor(status, xmlValue(text, 'Code') ?? `Http${status}`, xmlValue(text, 'Message') ?? response.statusText)
    } finally {
      clearTimeout(timer)
    }
  }

  private static info(response: Response, size: number): MediaObjectInfo {
    const contentType = response.headers.get('content-type')
    return { size, etag: unquote(response.headers.get('etag')), ...(contentType ? { contentType } : {}) }
  }

  async head(key: string): Promise<MediaObjectInfo | null> {
    // A HEAD's 404 has no body to tell a missing key from a missing bucket: both read as absent.
    try {
      const { response } = await this.call({ method: 'HEAD', key })
      return S3MediaStore.info(response, Number(response.headers.get('content-length')))
    } catch (error) {
      if (error instanceof AwsError && error.status === 404) return null
      throw error
    }
  }

  async get(key: string, range?: MediaRange): Promise<MediaObject | null> {
    let response: Response
    try {
      ;({ response } = await this.call({ method: 'GET', key, streamed: true, ...(range ? { headers: { range: rangeHeader(range) } } : {}) }))
    } catch (error) {
      // Only a missing key: a missing bucket (NoSuchBucket, also a 404) is a misconfiguration, not an absent object.
      if (error instanceof AwsError && error.type === 'NoSuchKey') return null
      // A suffix longer than the object means all of it (as S3 and R2 answer); some emulators answer 416 instead.
      if (error instanceof RangeError && range && 'suffix' in range && range.suffix > 0) {
        const whole = await this.get(key)
        if (whole && whole.size > 0) return { ...whole, range: { offset: 0, length: whole.size } }
        await whole?.body.cancel()
      }
      throw error
    }
    const body = response.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() })
    const partial = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '')
    if (response.status === 206 && partial) {
      const [offset, last, size] = [Number(partial[1]), Number(partial[2]), Number(partial[3])]
      return { ...S3MediaStore.info(response, size), body, range: { offset, length: last - offset + 1 } }
    }
    const size = Number(response.headers.get('content-length'))
    // A 200 to a ranged request: the server sent it all (an empty object has no bytes to range over).
    if (range && size === 0) {
      await body.cancel()
      throw new RangeError(`range not satisfiable: ${key} is empty`)
    }
    return { ...S3MediaStore.info(response, size), body, ...(range ? { range: { offset: 0, length: size } } : {}) }
  }

  async put(key: string, body: Body, opts: { size?: number; contentType?: string }) {
    if (body instanceof ReadableStream && opts.size === undefined) throw new TypeError('a streamed put needs its size (S3 wants a Content-Length)')
    const headers: Record<string, string> = { ...(opts.contentType ? { 'content-type': opts.contentType } : {}) }
    if (body instanceof ReadableStream) headers['content-length'] = String(opts.size)
    const { response } = await this.call({ method: 'PUT', key, headers, body })
    return { etag: unquote(response.headers.get('etag')) }
  }

  async createUpload(key: string, opts: { contentType?: string } = {}): Promise<string> {
    const { text } = await this.call({ method: 'POST', key, query: { uploads: '' }, headers: opts.contentType ? { 'content-type': opts.contentType } : {} })
    const uploadId = xmlValue(text, 'UploadId')
    if (!uploadId) throw new AwsError('InvalidResponse', 200, 'CreateMultipartUpload answered no UploadId')
    return uploadId
  }

  async uploadPart(key: string, uploadId: string, n: number, body: ReadableStream<Uint8Array>, opts: { size: number; md5?: string }) {
    const headers: Record<string, string> = { 'content-length': String(opts.size), ...(opts.md5 !== undefined ? { 'content-md5': opts.md5 } : {}) }
    const { response } = await this.call({ method: 'PUT', key, query: { partNumber: String(n), uploadId }, headers, body })
    const etag = unquote(response.headers.get('etag'))
    if (opts.md5 !== undefined && this.verifyPartEtag && etag !== md5Hex(opts.md5)) throw new MediaDigestMismatchError(`part ${n}: the bytes do not match Content-MD5`)
    return { etag }
  }

  async completeUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    const xml = [...parts]
      .sort((a, b) => a.n - b.n)
      .map((part) => `<Part><PartNumber>${part.n}</PartNumber><ETag>"${escapeXml(part.etag)}"</ETag></Part>`)
      .join('')
    await this.call({ method: 'POST', key, query: { uploadId }, headers: { 'content-type': 'application/xml' }, body: `<CompleteMultipartUpload>${xml}</CompleteMultipartUpload>` })
  }

  async abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.call({ method: 'DELETE', key, query: { uploadId } })
    } catch (error) {
      if (!(error instanceof MediaUploadNotFoundError)) throw error
    }
  }

  async list(prefix: string, opts: { cursor?: string; limit?: number } = {}): Promise<{ keys: string[]; cursor?: string }> {
    const query = { 'list-type': '2', prefix, 'max-keys': String(opts.limit ?? 1000), ...(opts.cursor ? { 'continuation-token': opts.cursor } : {}) }
    const { text } = await this.call({ method: 'GET', query })
    const keys = [...text.matchAll(/<Contents>[\s\S]*?<Key>([\s\S]*?)<\/Key>/g)].map((match) => unescapeXml(match[1]!))
    const next = /<IsTruncated>true<\/IsTruncated>/.test(text) ? xmlValue(text, 'NextContinuationToken') : undefined
    return { keys, ...(next ? { cursor: next } : {}) }
  }

  /**
   * DeleteObjects. S3 insists on an integrity header for it: Content-MD5, or (as here, WebCrypto having no MD5) a
   * SHA-256 checksum of the body.
   */
  async delete(keys: string[]): Promise<void> {
    if (!keys.length) return
    const body = `<Delete><Quiet>true</Quiet>${keys.map((key) => `<Object><Key>${escapeXml(key)}</Key></Object>`).join('')}</Delete>`
    const headers = { 'content-type': 'application/xml', 'x-amz-sdk-checksum-algorithm': 'SHA256', 'x-amz-checksum-sha256': await sha256Base64(body) }
    const { text } = await this.call({ method: 'POST', query: { delete: '' }, headers, body })
    const failed = /<Error>[\s\S]*?<\/Error>/.exec(text)
    if (failed) throw toAwsError(xmlValue(failed[0], 'Code') ?? 'DeleteFailed', 200, `${xmlValue(failed[0], 'Key')}: ${xmlValue(failed[0], 'Message')}`)
  }
}
