import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ConfigError } from '../config'
import type { AppEnv } from '../context'
import { ErrorPage } from '../../views/pages/ErrorPage'
import { ApiError, errorBody, errors, knownError } from './errors'

/** JSON for API clients (the contract's error shape), friendly HTML pages for browsers. */
export function wantsJson(c: Context): boolean {
  const path = c.req.path
  return path.startsWith('/api/') || path === '/healthz' || path === '/livez' || path.startsWith('/movie/')
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

export function respondWithError(c: Context<AppEnv>, apiError: ApiError): Response | Promise<Response> {
  const requestId = c.get('requestId') ?? crypto.randomUUID()
  const headers: Record<string, string> = { 'X-Request-Id': requestId, 'Cache-Control': 'no-store', ...apiError.headers }
  if (wantsJson(c)) return c.json(errorBody(apiError, requestId), apiError.status, headers)
  // A signed-in visitor keeps their account menu and bell on error pages too (not a Sign in button).
  const user = c.get('user')
  const account = user ? { user: { display_name: user.display_name }, unread: c.get('unread') } : {}
  return c.html(<ErrorPage error={apiError} requestId={requestId} {...account} />, apiError.status, headers)
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
