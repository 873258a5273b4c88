import type { Context, MiddlewareHandler } from 'hono'
import { requirePageUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { errors } from '../http/errors'

/** Whether the request's user is an operator (ADMIN_EMAILS, address verified). */
export const isOperator = (c: Context<AppEnv>) => {
  const user = c.get('user')
  return !!user && c.get('services').videos.isOperator(user)
}

/** Admin API: 401 for anonymous callers, 403 forbidden for members who are not operators. */
export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('user')) throw errors.unauthorized()
  if (!isOperator(c)) throw errors.forbidden()
  await next()
}

/**
 * Admin pages, never stored: the login page for anonymous visitors (requirePageUser), a 403 page for members who are
 * not operators. Checked before a byte of a form's body is read.
 */
export const requireOperatorPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  useCache(c, CACHE.noStore)
  return requirePageUser(c, async () => {
    if (!isOperator(c)) throw errors.forbidden('admin.forbidden')
    await next()
  })
}

/**
 * An upload body's size from its Content-Length, judged before a byte is read: 411 without one, 413 over `max`.
 * Bodies are streamed to the media store, so this is the only limit they meet (the app's 64 KB one skips them).
 */
export function declaredLength(c: Context<AppEnv>, max: number): number {
  const header = c.req.header('Content-Length')
  if (header === undefined || !/^\d+$/.test(header)) {
    throw Object.assign(errors.malformed('errors.malformed.lengthRequired'), { status: 411 as const })
  }
  const length = Number(header)
  if (length > max) throw errors.tooLarge(Math.floor(max / 1024))
  return length
}
