import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { LANG_COOKIE } from './middleware'

/** The contract's `lang` cookie lasts a year. */
export const LANG_COOKIE_MAX_AGE = 365 * 24 * 60 * 60

/** `lang=<code>; Path=/; Max-Age=31536000; SameSite=Lax; Secure; HttpOnly` (only the server reads it). */
export function setLanguageCookie(c: Context, code: string): void {
  setCookie(c, LANG_COOKIE, code, { path: '/', maxAge: LANG_COOKIE_MAX_AGE, sameSite: 'Lax', secure: true, httpOnly: true })
}
