import { Hono } from 'hono'
import { z } from 'zod'
import { LanguageSchema } from '../accounts/types'
import { safeNext, sameSitePath } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { errors } from '../http/errors'
import { readForm } from '../http/forms'
import { issuesToDetails } from '../http/validate'
import { setLanguageCookie } from '../i18n/cookie'

const LanguageFormSchema = z.object({ language: LanguageSchema })

/**
 * POST /language (the language menu, a plain form): `language` is one of the UI languages. Sets the
 * `lang` cookie for a year and, for a signed-in user, the profile's language (which wins over the
 * cookie on every device); then 303 back to `next` (a same-site path), else the page it was sent from.
 */
export const languageRoutes = new Hono<AppEnv>().post('/language', async (c) => {
  const form = await readForm(c)
  const parsed = LanguageFormSchema.safeParse(form)
  if (!parsed.success) throw errors.validation(issuesToDetails(parsed.error.issues, form))
  const { language } = parsed.data
  const user = c.get('user')
  if (user && user.language !== language) await c.get('services').accounts.update(user.profile, { language })
  setLanguageCookie(c, language)
  useCache(c, CACHE.noStore)
  const back = form.next ? safeNext(form.next) : (sameSitePath(c, c.req.header('Referer')) ?? '/')
  return c.redirect(back, 303)
})
