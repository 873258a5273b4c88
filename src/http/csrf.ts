import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { SESSION_COOKIE } from '../auth/session'
import type { AppEnv } from '../context'
import { errors } from './errors'
import { foreignOrigin } from './origin'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * The HTML forms checked even without a session: login and sign-up (a cross-site post would sign the victim into
 * the attacker's account) and the language menu (another site must not switch a visitor's language).
 */
const isSessionForm = (path: string) => path === '/login' || path === '/signup' || path === '/language'

/** The request provably comes from a page of this site: Origin says so, or lacking it, Sec-Fetch-Site does. */
function sameOrigin(c: Context): boolean {
  if (c.req.header('Origin') !== undefined) return !foreignOrigin(c)
  return c.req.header('Sec-Fetch-Site') === 'same-origin'
}

/**
 * CSRF protection by origin checking (no tokens needed: every browser we serve sends Origin
 * or Sec-Fetch-Site on state-changing requests). Applies to state-changing requests that
 * carry the session cookie, and to the login and sign-up forms. The JSON sign-up/login set no
 * cookie, so any origin may call them (CORS) to get a bearer token; requests with an
 * Authorization header are exempt (the cookie is never consulted for them, and a browser
 * cannot attach one cross-site without a CORS preflight). Mount after authenticate().
 */
export const csrf = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (!STATE_CHANGING.has(c.req.method)) return next()
  if (c.req.header('Authorization') !== undefined) return next()
  const path = c.req.path
  const cookieBearing = c.get('user')?.via === 'cookie' || getCookie(c, SESSION_COOKIE) !== undefined
  if ((cookieBearing || isSessionForm(path)) && !sameOrigin(c)) throw errors.csrf()
  await next()
}
