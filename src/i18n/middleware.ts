import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../context'
import { chooseLocale } from './negotiate'
import { createTranslator, type Translator } from './translator'

export const LANG_COOKIE = 'lang'

/** What makes a response's language: caches must key on both (the cookie also carries the session). */
const VARY_LANGUAGE = ['Accept-Language', 'Cookie']

/** Whether the response's text depends on the language: pages, fragments and error bodies. */
function isLocalized(res: Response): boolean {
  const type = res.headers.get('Content-Type') ?? ''
  return type.startsWith('text/html') || (type.startsWith('application/json') && res.status >= 400)
}

function addVary(headers: Headers, names: string[]): void {
  const current = (headers.get('Vary') ?? '').split(',').map((v) => v.trim()).filter(Boolean)
  if (current.includes('*')) return
  const missing = names.filter((name) => !current.some((v) => v.toLowerCase() === name.toLowerCase()))
  if (missing.length) headers.set('Vary', [...current, ...missing].join(', '))
}

/**
 * Puts the request's `locale` and its translator `t` on the context (after authentication, so a
 * signed-in user's language wins), and marks localized responses as varying by language.
 */
export function i18n(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const locale = chooseLocale({
      userLanguage: c.get('user')?.language,
      cookie: getCookie(c, LANG_COOKIE),
      acceptLanguage: c.req.header('Accept-Language'),
    })
    const t = createTranslator(locale)
    c.set('locale', locale)
    c.set('t', t)
    await next()
    if (isLocalized(c.res)) {
      try {
        addVary(c.res.headers, VARY_LANGUAGE)
      } catch {
        // Immutable headers (a proxied response) are not ours to change.
      }
    }
  }
}

/**
 * The request's translator, also for errors thrown before the i18n middleware ran (then
 * without the signed-in user's preference, which is not known yet).
 */
export function translatorFor(c: Context<AppEnv>): Translator {
  const existing = c.get('t') as Translator | undefined
  if (existing) return existing
  return createTranslator(chooseLocale({ cookie: getCookie(c, LANG_COOKIE), acceptLanguage: c.req.header('Accept-Language') }))
}
