/**
 * Errors services throw: a code and its params, nothing about HTTP. One table in
 * src/http/errors.ts turns each into a status and the contract's body, so a service
 * called from a page, the API or a job fails the same way everywhere.
 */
export type DomainErrorCode =
  | 'email_taken'
  | 'invalid_credentials'
  | 'invalid_password'
  | 'session_ended'
  | 'account_deleted'
  | 'rate_limited'
  | 'catalog_unavailable'
  | 'data_store_unavailable'
  | 'not_found'
  | 'invalid_cursor'
  | 'list_full'
  | 'invalid_token'

/** What was not found: a film has its own contract code (movie_not_found). */
export type Missing = 'movie' | 'genre' | 'trailer' | 'notification' | 'page'

export class DomainError<P extends Record<string, unknown> = Record<string, unknown>> extends Error {
  override name = 'DomainError'
  constructor(
    readonly code: DomainErrorCode,
    readonly params: P = {} as P,
  ) {
    super(code)
  }
}

/** Sign-up or email change to an address that is someone's already. */
export class EmailTaken extends DomainError {
  constructor() {
    super('email_taken')
  }
}

/** Unknown email and wrong password alike. */
export class InvalidCredentials extends DomainError {
  constructor() {
    super('invalid_credentials')
  }
}

/** `current_password` is wrong. */
export class InvalidPassword extends DomainError {
  constructor() {
    super('invalid_password')
  }
}

/** The session was revoked while a change was being saved (a logout-all or password change elsewhere). */
export class SessionEnded extends DomainError {
  constructor() {
    super('session_ended')
  }
}

/** A write by a user whose account is being deleted (the tombstone refused it). */
export class AccountDeleted extends DomainError {
  constructor() {
    super('account_deleted')
  }
}

export class RateLimited extends DomainError<{ retryAfter: number }> {
  constructor(readonly retryAfter: number) {
    super('rate_limited', { retryAfter })
  }
}

/** TMDB is unreachable and nothing is cached. */
export class CatalogUnavailable extends DomainError {
  constructor() {
    super('catalog_unavailable')
  }
}

/** DynamoDB is unreachable, throttling past retries, or its table is missing. */
export class DataStoreUnavailable extends DomainError {
  constructor() {
    super('data_store_unavailable')
  }
}

export class NotFound extends DomainError<{ what: Missing }> {
  constructor(readonly what: Missing) {
    super('not_found', { what })
  }
}

/** A page cursor that is malformed, was altered, or belongs to another list. */
export class InvalidCursor extends DomainError {
  constructor() {
    super('invalid_cursor')
  }
}

/** The list already holds its maximum number of films. */
export class ListFull extends DomainError<{ max: number }> {
  constructor(readonly max: number) {
    super('list_full', { max })
  }
}

/** A password-reset or email-verification token that is unknown, used or expired. */
export class InvalidToken extends DomainError {
  constructor() {
    super('invalid_token')
  }
}
