import type { Context, MiddlewareHandler } from 'hono'
import { carriesSessionCookie } from '../auth/session'
import type { AppEnv } from '../context'
import { errors } from './errors'
import { foreignOrigin } from './origin'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The request provably comes from a page of this site: Origin says so, or lacking it, Sec-Fetch-Site does. */
function sameOrigin(c: Context): boolean {
  if (c.req.header('Origin') !== undefined) return !foreignOrigin(c)
  return c.req.header('Sec-Fetch-Site') === 'same-origin'
}

/**
 * CSRF protection by origin checking (no tokens needed: every browser we serve sends Origin
 * or Sec-Fetch-Site on state-changing requests). Mounted once for the whole app, it applies to every
 * state-changing request that carries the session cookie, whichever route answers it: a new route is
 * covered without asking. Forms that matter without a session declare sameOriginForm. The JSON sign-up/login set no
 * cookie, so any origin may call them (CORS) to get a bearer token; requests with an
 * Authorization header are exempt (the cookie is never consulted for them, and a browser
 * cannot attach one cross-site without a CORS preflight). Mount after authenticate().
 */
export const csrf: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!STATE_CHANGING.has(c.req.method)) return next()
  if (c.req.header('Authorization') !== undefined) return next()
  const cookieBearing = c.get('user')?.via === 'cookie' || carriesSessionCookie(c)
  if (cookieBearing && !sameOrigin(c)) throw errors.csrf()
  await next()
}

/**
 * Route-level: a form checked even without a session. Login and sign-up (a cross-site post would sign the
 * victim into the attacker's account) and the language menu (another site must not switch a visitor's language).
 */
export const sameOriginForm: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (STATE_CHANGING.has(c.req.method) && c.req.header('Authorization') === undefined && !sameOrigin(c)) throw errors.csrf()
  await next()
}
