import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { SESSION_TTL_SECONDS } from './tokens'

/** The session cookie's name (the contract's `session`). */
export const SESSION_COOKIE = 'session'

/** `session=<jwt>; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=604800` */
export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: SESSION_TTL_SECONDS })
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
}
