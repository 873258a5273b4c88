import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ConfigError } from '../config'
import type { AppEnv } from '../context'
import { ErrorPage } from '../../views/pages/ErrorPage'
import { translatorFor } from '../i18n/middleware'
import { render } from './render'
import { isJsonPath } from './surfaces'
import { errorBody, errors, knownError, type ApiError } from './errors'
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
  return errors.internal()
}

export function respondWithError(c: Context<AppEnv>, apiError: ApiError): Response | Promise<Response> {
  // The message by code, rendered in the reader's language; the code, status and headers never change.
  const body = errorBody(apiError, c.get('requestId') ?? crypto.randomUUID(), translatorFor(c))
  const headers: Record<string, string> = { 'X-Request-Id': body.error.request_id, ...cacheHeaders(c, CACHE.noStore), ...apiError.headers }
  if (wantsJson(c)) return c.json(body, apiError.status, headers)
  // The renderer keeps a signed-in visitor's account menu and bell on error pages too (not a Sign in button).
  return render(c, <ErrorPage status={apiError.status} body={body} />, { status: apiError.status, headers })
}

/**
 * A path as logs may show it: a media token opens a video until it expires, a download token a download's files (so
 * log retention would count as token exposure: docs/watching.md, docs/downloads.md). The token segment is masked;
 * nothing else of the path is secret.
 */
export const loggablePath = (path: string) => path.replace(/^\/media\/([td])\/[^/]*/, '/media/$1/***')

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const apiError = toApiError(err)
  const requestId = c.get('requestId')
  if (err instanceof ConfigError) {
    console.error(`[${requestId}] ${err.message}`)
  } else if (apiError.status >= 500) {
    console.error(`[${requestId}] ${c.req.method} ${loggablePath(c.req.path)} failed:`, err)
  }
  return respondWithError(c, apiError)
}

export const onNotFound: NotFoundHandler<AppEnv> = (c) => respondWithError(c, errors.notFound())
