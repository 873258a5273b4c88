import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ConfigError } from '../config'
import type { AppEnv } from '../context'
import { ErrorPage } from '../../views/pages/ErrorPage'
import { DEFAULT_LOCALE } from '../i18n/locales'
import { localizeEnglish } from '../i18n/english'
import { translatorFor } from '../i18n/middleware'
import type { Translator } from '../i18n/translator'
import { render } from './render'
import { isJsonPath } from './surfaces'
import { ApiError, errorBody, errors, knownError } from './errors'
import { CACHE, cacheHeaders } from './cache'

/** JSON for API clients (the contract's error shape), friendly HTML pages for browsers. */
export function wantsJson(c: Context): boolean {
  return isJsonPath(c.req.path)
}

function toApiError(err: unknown): ApiError {
  const known = knownError(err)
  if (known) return known
  if (err instanceof HTTPException) {
    if (err.status === 400) return errors.malformed()
    if (err.status === 401) return errors.unauthorized()
    if (err.status === 404) return errors.notFound()
  }
  return new ApiError(500, 'internal_error', 'Something went wrong on our side. Please try again.')
}

/**
 * The error in the reader's language: messages thrown in English are matched to the catalogue
 * (src/i18n/english.ts); one the catalogue does not know reads as its code's general message.
 * The code, status and headers never change.
 */
function localized(t: Translator, error: ApiError): ApiError {
  const english = t.locale === DEFAULT_LOCALE
  const message = localizeEnglish(t, error.message) ?? (english ? error.message : t(`errors.${error.code}`))
  const details = error.details?.map((d) => ({
    path: d.path,
    message: localizeEnglish(t, d.message) ?? (english ? d.message : t('validation.invalid')),
  }))
  return new ApiError(error.status, error.code, message, details, error.headers)
}

export function respondWithError(c: Context<AppEnv>, original: ApiError): Response | Promise<Response> {
  const t = translatorFor(c)
  const apiError = localized(t, original)
  const requestId = c.get('requestId') ?? crypto.randomUUID()
  const headers: Record<string, string> = { 'X-Request-Id': requestId, ...cacheHeaders(c, CACHE.noStore), ...apiError.headers }
  if (wantsJson(c)) return c.json(errorBody(apiError, requestId), apiError.status, headers)
  // The renderer keeps a signed-in visitor's account menu and bell on error pages too (not a Sign in button).
  return render(c, <ErrorPage error={apiError} requestId={requestId} />, { status: apiError.status, headers })
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const apiError = toApiError(err)
  const requestId = c.get('requestId')
  if (err instanceof ConfigError) {
    console.error(`[${requestId}] ${err.message}`)
  } else if (apiError.status >= 500) {
    console.error(`[${requestId}] ${c.req.method} ${c.req.path} failed:`, err)
  }
  return respondWithError(c, apiError)
}

export const onNotFound: NotFoundHandler<AppEnv> = (c) => respondWithError(c, errors.notFound())
