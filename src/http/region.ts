import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../context'
import { REGION_COOKIE, REGION_COOKIE_MAX_AGE, resolveRegion, type RegionSource } from '../where-to-watch/region'

/**
 * The request's region (src/where-to-watch/region.ts) from what it carries: `query` (already validated), the
 * signed-in user's profile, the `region` cookie, the platform's country, Accept-Language.
 */
export function regionOf(c: Context<AppEnv>, query?: string): { region: string; source: RegionSource } {
  return resolveRegion({
    query,
    profile: c.get('user')?.profile.region,
    cookie: getCookie(c, REGION_COOKIE),
    country: c.env.platform.country?.(c.req.raw),
    acceptLanguage: c.req.header('Accept-Language'),
  })
}

/** What an anonymous request resolves to before authentication (the page cache's key): no profile, no query. */
export function anonymousRegion(c: Context<AppEnv>): string {
  return resolveRegion({ cookie: getCookie(c, REGION_COOKIE), country: c.env.platform.country?.(c.req.raw), acceptLanguage: c.req.header('Accept-Language') }).region
}

/** `region=<code>; Path=/; Max-Age=31536000; SameSite=Lax; Secure; HttpOnly`, like the language cookie. */
export function setRegionCookie(c: Context, code: string): void {
  setCookie(c, REGION_COOKIE, code, { path: '/', maxAge: REGION_COOKIE_MAX_AGE, sameSite: 'Lax', secure: true, httpOnly: true })
}
