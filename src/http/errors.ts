import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AwsError, ThrottlingError } from '../data/errors'
import { DomainError, type DomainErrorCode, type Missing } from '../shared/errors'

export interface ErrorDetail {
  path: string
  message: string
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
  | 'not_found'
  | 'movie_not_found'
  | 'email_taken'
  | 'list_full'
  | 'rate_limited'
  | 'upstream_unavailable'
  | 'invalid_token'
  | 'internal_error'

/**
 * The one error type routes and services throw. The error middleware turns it
 * into the contract's JSON body on API routes and a friendly page elsewhere.
 */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }
}

export const errors = {
  malformed: (message = 'The request body could not be parsed.') => new ApiError(400, 'malformed_request', message),
  invalidId: (value?: string) =>
    new ApiError(400, 'invalid_id', value === undefined ? 'That is not a valid id.' : `"${value.slice(0, 40)}" is not a valid id.`),
  validation: (details: ErrorDetail[]) =>
    new ApiError(422, 'validation_failed', 'The request did not pass validation.', details),
  unauthorized: (message = 'Sign in to continue.') => new ApiError(401, 'unauthorized', message),
  notFound: (message = 'There is nothing here.') => new ApiError(404, 'not_found', message),
  movieNotFound: () => new ApiError(404, 'movie_not_found', 'We could not find that film.'),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(429, 'rate_limited', 'Too many attempts. Please wait and try again.', undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    }),
  upstream: () =>
    new ApiError(503, 'upstream_unavailable', 'The film catalog is unavailable right now. Please try again shortly.', undefined, {
      'Retry-After': '30',
    }),
  dataStore: () =>
    new ApiError(503, 'upstream_unavailable', 'Your account data is unavailable right now. Please try again shortly.', undefined, {
      'Retry-After': '5',
    }),
  tooLarge: (maxKb: number) => new ApiError(413, 'malformed_request', `The request body is too large (${maxKb} KB at most).`),
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; details?: ErrorDetail[] }
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      ...(error.details?.length ? { details: error.details } : {}),
    },
  }
}

const NOT_FOUND_MESSAGES: Record<Exclude<Missing, 'movie'>, string> = {
  genre: 'We could not find that genre.',
  trailer: 'This film has no trailer.',
  notification: 'There is no such notification.',
  page: 'There is nothing here.',
}

/** The one table from a service's domain error to the contract's status, code and message. */
const FROM_DOMAIN: { [C in DomainErrorCode]: (error: DomainError) => ApiError } = {
  email_taken: () => new ApiError(409, 'email_taken', 'An account with that email already exists.'),
  invalid_credentials: () => new ApiError(401, 'invalid_credentials', 'That email and password do not match an account.'),
  invalid_password: () => new ApiError(403, 'invalid_password', 'Your current password is not correct.'),
  session_ended: () => errors.unauthorized('Your session ended while saving. Please sign in again.'),
  account_deleted: () => errors.unauthorized('This account has been deleted.'),
  rate_limited: (error) => errors.rateLimited(Number(error.params.retryAfter)),
  catalog_unavailable: () => errors.upstream(),
  data_store_unavailable: () => errors.dataStore(),
  invalid_token: () => new ApiError(400, 'invalid_token', 'This link is unknown, already used or expired. Ask for a new one.'),
  invalid_cursor: () => errors.validation([{ path: 'cursor', message: 'is not a cursor this list gave out (it may be altered or for another list)' }]),
  list_full: (error) =>
    new ApiError(409, 'list_full', `Your list is full: it holds at most ${Number(error.params.max).toLocaleString('en-US')} films. Remove one to add another.`),
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
  // Our data store is down, overloaded or its table is missing (not created yet, or being restored):
  // a temporary outage to retry, not a bug.
  if (err instanceof AwsError && (err instanceof ThrottlingError || err.status === 0 || err.status >= 500 || UNAVAILABLE_TYPES.has(err.type))) {
    return errors.dataStore()
  }
  return undefined
}
