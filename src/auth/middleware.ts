import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv, SessionUser } from '../context'
import { errors } from '../http/errors'
import { foreignOrigin, siteOrigin } from '../http/origin'
import { readLanguage, type Profile } from '../accounts/types'
import { sessionCookieOf } from './session'
import { isApiPath } from '../http/surfaces'
import { CACHE, useCache } from '../http/cache'

const isApi = (c: Context) => isApiPath(c.req.path)

/**
 * A cookie is never accepted cross-origin: not when Origin names another site, and not
 * when the browser says the request is cross-site (Sec-Fetch-Site) — except a plain
 * top-level GET navigation to a page (a link from elsewhere), which SameSite=Lax
 * also allows, so a visitor following a link still sees themselves signed in.
 */
function cookieUsable(c: Context): boolean {
  if (foreignOrigin(c)) return false
  if (c.req.header('Sec-Fetch-Site') !== 'cross-site') return true
  const safe = c.req.method === 'GET' || c.req.method === 'HEAD'
  return safe && c.req.header('Sec-Fetch-Mode') === 'navigate' && !isApi(c)
}

const sessionUser = (profile: Profile, via: SessionUser['via']): SessionUser => ({
  id: profile.id,
  email: profile.email,
  display_name: profile.display_name,
  language: readLanguage(profile.language),
  via,
  profile,
})

/**
 * Puts the signed-in user on the context (`c.get('user')`) from `Authorization: Bearer <jwt>`
 * or the `session` cookie. A request with an Authorization header is judged by it alone (the
 * cookie is not consulted), and on /api an invalid, expired or revoked one is 401 rather than
 * anonymous. A bad cookie just means anonymous.
 */
export const authenticate = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  // Built only for a request that carries credentials: an anonymous page needs no accounts service.
  const accounts = () => c.get('services').accounts
  const authorization = c.req.header('Authorization')
  if (authorization !== undefined) {
    const token = bearerTokenOf(authorization)
    const profile = token ? await accounts().userForToken(token) : null
    if (profile) c.set('user', sessionUser(profile, 'bearer'))
    else if (isApi(c)) throw errors.unauthorized('errors.unauthorized.bearer')
  } else {
    const token = sessionCookieOf(c)
    if (token && cookieUsable(c)) {
      // With DynamoDB unreachable the catalog pages still render, for a visitor who looks signed out.
      const profile = await accounts().userForToken(token).catch((error: unknown) => {
        if (isApi(c)) throw error
        console.error(`[${c.get('requestId')}] session lookup failed; serving the page anonymously`, error)
        return null
      })
      if (profile) c.set('user', sessionUser(profile, 'cookie'))
    }
  }
  await next()
}

/** The token of an `Authorization: Bearer <jwt>` header, or undefined when the header is not one. */
export const bearerTokenOf = (authorization: string | undefined): string | undefined =>
  /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization ?? '')?.[1]

/** The signed-in user; 401 unauthorized when there is none (for handlers behind requireApiUser/requirePageUser). */
export function currentUser(c: Context<AppEnv>): SessionUser {
  const user = c.get('user')
  if (!user) throw errors.unauthorized()
  return user
}

/** For /api routes: 401 unauthorized without a signed-in user. */
export const requireApiUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('user')) throw errors.unauthorized()
  await next()
}

/** The path of a page of this site a URL names (safeNext-checked), or undefined for another site or a non-URL. */
export function sameSitePath(c: Context, url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const from = new URL(url)
    return from.origin === siteOrigin(c) ? safeNext(from.pathname + from.search + from.hash) : undefined
  } catch {
    return undefined
  }
}

/** Where to come back to after signing in: the page itself, or for a form post the same-site page it was sent from. */
function returnPath(c: Context): string {
  const url = new URL(c.req.url)
  const isForm = c.req.method !== 'GET' && c.req.method !== 'HEAD'
  const from = isForm ? sameSitePath(c, c.req.header('Referer') ?? c.req.header('HX-Current-URL')) : undefined
  return from ?? safeNext(url.pathname + url.search)
}

/**
 * Only same-site relative paths: one leading '/', not '//' or '/\' (which browsers treat as another host),
 * and no control character anywhere (CR/LF would break the Location header). The answer is the URL's own
 * serialisation, so non-ASCII text and lone surrogates come back percent-encoded and header-safe.
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || next.length > 2000) return '/'
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  if (/[\u0000-\u001f\u007f-\u009f]/.test(next) || next[1] === '\\') return '/'
  try {
    const resolved = new URL(next, 'https://same.invalid')
    if (resolved.origin !== 'https://same.invalid') return '/'
    return resolved.pathname + resolved.search + resolved.hash
  } catch {
    return '/'
  }
}

export const loginUrl = (next: string) => (next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`)

/**
 * For HTML routes: an anonymous visitor is sent to /login?next=<path> (303), or for htmx
 * requests answered 200 with HX-Redirect so htmx navigates the whole page.
 */
export const requirePageUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('user')) return next()
  const target = loginUrl(returnPath(c))
  useCache(c, CACHE.noStore)
  if (c.req.header('HX-Request') === 'true') {
    c.header('HX-Redirect', target)
    return c.body(null, 200)
  }
  return c.redirect(target, 303)
}
