import { MediaUnavailableError } from '../media/store'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AwsError, ThrottlingError } from '../data/errors'
import type { MessageKey, MessageParams } from '../i18n/catalogue'
import type { MessageRef } from '../i18n/message-ref'
import { createTranslator } from '../i18n/translator'
import { DomainError, type DomainErrorCode, type Missing } from '../shared/errors'

/** A field's problem as the contract shows it: where, and what, in the reader's language. */
export interface ErrorDetail {
  path: string
  message: string
}

/** A field's problem as raised: where, and which catalogue message says what is wrong. */
export interface DetailRef {
  path: string
  message: MessageRef
}

/** Every error code of the contract's error table, plus the catch-all for our own bugs. */
export type ErrorCode =
  | 'malformed_request'
  | 'invalid_id'
  | 'validation_failed'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'invalid_password'
  | 'csrf_rejected'
  | 'forbidden'
  | 'not_found'
  | 'movie_not_found'
  | 'video_not_found'
  | 'email_taken'
  | 'list_full'
  | 'download_limit'
  | 'rate_limited'
  | 'upstream_unavailable'
  | 'invalid_token'
  | 'internal_error'

/**
 * The one error type routes and services throw. It carries its message by code (a catalogue key
 * and params); the error middleware renders it in the reader's language, as the contract's JSON
 * body on API routes and a friendly page elsewhere. `message` is the English text, for logs.
 */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    readonly ref: MessageRef,
    readonly details?: DetailRef[],
    readonly headers?: Record<string, string>,
  ) {
    super(createTranslator('en')(ref.key, ref.params))
  }
}

const ref = (key: MessageKey, params?: MessageParams): MessageRef => (params ? { key, params } : { key })

export const errors = {
  malformed: (key: MessageKey = 'errors.malformed_request') => new ApiError(400, 'malformed_request', ref(key)),
  invalidId: (value?: string) =>
    new ApiError(400, 'invalid_id', value === undefined ? ref('errors.invalid_id') : ref('errors.invalid_id.value', { value: value.slice(0, 40) })),
  validation: (details: DetailRef[]) => new ApiError(422, 'validation_failed', ref('errors.validation_failed'), details),
  unauthorized: (key: MessageKey = 'errors.unauthorized') => new ApiError(401, 'unauthorized', ref(key)),
  notFound: (key: MessageKey = 'errors.not_found') => new ApiError(404, 'not_found', ref(key)),
  movieNotFound: () => new ApiError(404, 'movie_not_found', ref('errors.movie_not_found')),
  /** A film with no ready, published video to play. */
  videoNotFound: () => new ApiError(404, 'video_not_found', ref('errors.video_not_found')),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(429, 'rate_limited', ref('errors.rate_limited'), undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    }),
  upstream: () => new ApiError(503, 'upstream_unavailable', ref('errors.upstream_unavailable'), undefined, { 'Retry-After': '30' }),
  dataStore: () => new ApiError(503, 'upstream_unavailable', ref('errors.upstream_unavailable.store'), undefined, { 'Retry-After': '5' }),
  tooLarge: (maxKb: number) => new ApiError(413, 'malformed_request', ref('errors.malformed.tooLarge', { max: maxKb })),
  csrf: () => new ApiError(403, 'csrf_rejected', ref('errors.csrf_rejected')),
  forbidden: (key: MessageKey = 'errors.forbidden') => new ApiError(403, 'forbidden', ref(key)),
  /** Too many downloads or devices (src/downloads/limits.ts): `details` lists the active downloads to free. */
  downloadLimit: (key: 'errors.download_limit.downloads' | 'errors.download_limit.devices', max: number, details: DetailRef[]) =>
    new ApiError(409, 'download_limit', ref(key, { max }), details),
  internal: () => new ApiError(500, 'internal_error', ref('errors.internal_error')),
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; details?: ErrorDetail[] }
}

/** The contract's error body, its messages in the reader's language. */
export function errorBody(error: ApiError, requestId: string, t: (key: MessageKey, params?: MessageParams) => string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: t(error.ref.key, error.ref.params),
      request_id: requestId,
      ...(error.details?.length ? { details: error.details.map((d) => ({ path: d.path, message: t(d.message.key, d.message.params) })) } : {}),
    },
  }
}

const NOT_FOUND_MESSAGES: Record<Exclude<Missing, 'movie'>, MessageKey> = {
  genre: 'errors.not_found.genre',
  trailer: 'errors.not_found.trailer',
  notification: 'errors.not_found.notification',
  page: 'errors.not_found',
}

/** The one table from a service's domain error to the contract's status, code and message. */
const FROM_DOMAIN: { [C in DomainErrorCode]: (error: DomainError) => ApiError } = {
  email_taken: () => new ApiError(409, 'email_taken', ref('errors.email_taken')),
  invalid_credentials: () => new ApiError(401, 'invalid_credentials', ref('errors.invalid_credentials')),
  invalid_password: () => new ApiError(403, 'invalid_password', ref('errors.invalid_password')),
  session_ended: () => errors.unauthorized('errors.unauthorized.sessionEnded'),
  account_deleted: () => errors.unauthorized('errors.unauthorized.accountDeleted'),
  rate_limited: (error) => errors.rateLimited(Number(error.params.retryAfter)),
  catalog_unavailable: () => errors.upstream(),
  data_store_unavailable: () => errors.dataStore(),
  invalid_token: () => new ApiError(400, 'invalid_token', ref('errors.invalid_token')),
  invalid_cursor: () => errors.validation([{ path: 'cursor', message: ref('validation.foreignCursor') }]),
  list_full: (error) => new ApiError(409, 'list_full', ref('errors.list_full.max', { count: Number(error.params.max) })),
  not_found: (error) => {
    const what = error.params.what as Missing
    return what === 'movie' ? errors.movieNotFound() : errors.notFound(NOT_FOUND_MESSAGES[what])
  },
}

/** AWS answers that mean "not there right now" rather than "you asked wrongly". */
const UNAVAILABLE_TYPES = new Set(['ResourceNotFoundException', 'ResourceInUseException', 'NetworkError', 'RequestTimeout'])

/** A domain error, or a data store that is down or overloaded, as the contract's error; anything else is ours: a 500. */
export function knownError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err
  if (err instanceof DomainError) return FROM_DOMAIN[err.code](err)
  if (err instanceof MediaUnavailableError) return new ApiError(503, 'upstream_unavailable', ref('errors.upstream_unavailable.media'), undefined, { 'Retry-After': '30' })
  // Our data store is down, overloaded or its table is missing (not created yet, or being restored):
  // a temporary outage to retry, not a bug.
  if (err instanceof AwsError && (err instanceof ThrottlingError || err.status === 0 || err.status >= 500 || UNAVAILABLE_TYPES.has(err.type))) {
    return errors.dataStore()
  }
  return undefined
}
