import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { SESSION_TTL_SECONDS } from './tokens'

/** The session cookie's name (the contract's `session`). */
export const SESSION_COOKIE = 'session'

/** `session=<jwt>; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=604800` */
export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: SESSION_TTL_SECONDS })
}

/**
 * The session cookie's value, or undefined when there is none or more than one. Two `session` cookies mean one was
 * planted by a sibling host or a narrower path (cookie tossing, audit 3 I3): the browser sends the narrower first,
 * so taking the first could act in the victim's browser as the attacker's account. With two, nobody is signed in.
 */
export function sessionCookieOf(c: Context): string | undefined {
  const values = (c.req.header('Cookie') ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${SESSION_COOKIE}=`))
  if (values.length !== 1) return undefined
  const value = values[0]!.slice(SESSION_COOKIE.length + 1)
  try {
    return decodeURIComponent(value) || undefined
  } catch {
    return undefined
  }
}

/** Whether the request carries any session cookie at all (one or several): such a request is judged as cookie-bearing. */
export const carriesSessionCookie = (c: Context): boolean => /(?:^|;\s*)session=/.test(c.req.header('Cookie') ?? '')

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
}
