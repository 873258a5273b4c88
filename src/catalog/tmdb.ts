import type { Config } from '../config'
import { TmdbErrorSchema } from './tmdb-schemas'

/**
 * A thin TMDB v3 HTTP client: auth, language, timeout and one bounded retry on 429.
 * It returns parsed JSON and throws TmdbError; the KV cache (cache.ts) decides what a failure means.
 */

export type TmdbFailure =
  | 'not_found' // 404 (TMDB status_code 34): the resource does not exist
  | 'unauthorized' // 401: the credential is wrong or revoked
  | 'rate_limited' // 429 that outlasted the one retry
  | 'server' // 5xx
  | 'timeout'
  | 'network'
  | 'bad_response' // 2xx that is not JSON

export class TmdbError extends Error {
  override name = 'TmdbError'
  constructor(
    readonly failure: TmdbFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

export type Query = Record<string, string | number | undefined>

export interface TmdbClientOptions {
  baseUrl: string
  auth: NonNullable<Config['tmdbAuth']>
  /** Per attempt. */
  timeoutMs?: number
  /** The longest Retry-After we wait for inside one request; longer ones fail (and stale data is served). */
  maxRetryWaitMs?: number
  fetch?: typeof fetch
}

const DEFAULT_TIMEOUT_MS = 5_000
const DEFAULT_MAX_RETRY_WAIT_MS = 2_000

/** Sorted, without empty values or the credential: the same request always has the same cache key. */
export function normalizedQuery(query: Query): string {
  return Object.entries(query)
    .filter(([name, value]) => value !== undefined && value !== '' && name !== 'api_key')
    .map(([name, value]) => [name, String(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')
}

/** Seconds (or an HTTP date) → milliseconds from now; unreadable → 1 s. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return 1_000
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000)
  const date = Date.parse(header)
  return Number.isFinite(date) ? Math.max(0, date - now) : 1_000
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class TmdbClient {
  private readonly timeoutMs: number
  private readonly maxRetryWaitMs: number
  private readonly fetcher: typeof fetch

  constructor(private readonly options: TmdbClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init))
  }

  /** GET `path` (e.g. `/movie/popular`) with `query`; the parsed JSON body. */
  async get(path: string, query: Query = {}): Promise<unknown> {
    const url = this.url(path, query)
    let response = await this.attempt(url, path)
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers.get('Retry-After'))
      await response.body?.cancel()
      if (wait > this.maxRetryWaitMs) throw new TmdbError('rate_limited', `TMDB rate limited ${path} for ${wait} ms`, 429)
      await sleep(wait)
      response = await this.attempt(url, path)
      if (response.status === 429) {
        await response.body?.cancel()
        throw new TmdbError('rate_limited', `TMDB still rate limited ${path} after one retry`, 429)
      }
    }
    if (!response.ok) throw await this.failureOf(response, path)
    try {
      return await response.json()
    } catch {
      throw new TmdbError('bad_response', `TMDB answered ${path} with a body that is not JSON`, response.status)
    }
  }

  private url(path: string, query: Query): string {
    const params = normalizedQuery(query)
    const auth = this.options.auth.kind === 'api_key' ? `api_key=${encodeURIComponent(this.options.auth.key)}` : ''
    const search = [params, auth].filter(Boolean).join('&')
    return `${this.options.baseUrl}${path}${search ? `?${search}` : ''}`
  }

  private async attempt(url: string, path: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (this.options.auth.kind === 'bearer') headers.Authorization = `Bearer ${this.options.auth.token}`
    try {
      return await this.fetcher(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) })
    } catch (error) {
      const name = error instanceof Error ? error.name : ''
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new TmdbError('timeout', `TMDB did not answer ${path} within ${this.timeoutMs} ms`)
      }
      throw new TmdbError('network', `TMDB unreachable for ${path}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  private async failureOf(response: Response, path: string): Promise<TmdbError> {
    let detail = ''
    try {
      const parsed = TmdbErrorSchema.safeParse(await response.json())
      if (parsed.success && parsed.data.status_message) detail = `: ${parsed.data.status_message} (${parsed.data.status_code ?? '?'})`
    } catch {
      // A non-JSON error body: the status says enough.
    }
    const message = `TMDB answered ${path} with ${response.status}${detail}`
    if (response.status === 404) return new TmdbError('not_found', message, 404)
    if (response.status === 401 || response.status === 403) return new TmdbError('unauthorized', message, response.status)
    if (response.status === 429) return new TmdbError('rate_limited', message, 429)
    return new TmdbError('server', message, response.status)
  }
}
