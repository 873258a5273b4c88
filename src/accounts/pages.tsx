import { Hono, type Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { z } from 'zod'
import { currentUser, requirePageUser, safeNext, sameSitePath } from '../auth/middleware'
import { clearSessionCookie, setSessionCookie } from '../auth/session'
import { accountFieldErrors, LoginFormSchema, ProfileFormSchema, SignupFormSchema } from './forms'
import { LANGUAGES, LanguageSchema, uiLanguage, type Profile } from './types'
import type { AppEnv } from '../context'
import { sameOriginForm } from '../http/csrf'
import { readForm } from '../http/forms'
import { errors } from '../http/errors'
import { issuesToDetails } from '../http/validate'
import { setLanguageCookie } from '../i18n/cookie'
import type { Translator } from '../i18n/translator'
import { DomainError, InvalidPassword, EmailTaken, RateLimited } from '../shared/errors'
import { clientAddress } from '../http/origin'
import type { FieldErrors } from '../../views/components/FormField'
import { LoginPage, SignupPage } from '../../views/pages/AuthPages'
import { ProfilePage, type ProfilePageProps, type ProfileValues } from '../../views/pages/ProfilePage'
import { render } from '../http/render'
import { CACHE, useCache } from '../http/cache'
import { sessionTokenOf } from '../push/api'
import { isKnownRegion } from '../where-to-watch/service'

type Ctx = Context<AppEnv>

/** Account pages are personal: never cached, and they vary by cookie. */
const noStore = (c: Ctx) => useCache(c, CACHE.noStore)

const nextOf = (c: Ctx, form?: Record<string, string>) => safeNext(form?.next ?? c.req.query('next'))

/** Signed in now: the cookie, then where the visitor was going (same-site paths only). */
async function startSession(c: Ctx, profile: Profile, next: string) {
  setSessionCookie(c, await c.get('services').accounts.token(profile))
  noStore(c)
  return c.redirect(next, 303)
}

/** Form-level messages for errors a user can fix by trying again; anything else goes to the error page. */
function formProblem(error: unknown, t: Translator): { status: 401 | 409 | 429; text: string; headers?: Record<string, string> } | null {
  if (!(error instanceof DomainError)) return null
  if (error.code === 'invalid_credentials') return { status: 401, text: t('auth.invalidCredentials') }
  if (error instanceof EmailTaken) return { status: 409, text: t('auth.emailTaken') }
  if (error instanceof RateLimited) {
    const retryAfter = Math.max(1, Math.ceil(error.retryAfter))
    return { status: 429, text: t('auth.rateLimited', { count: Math.ceil(retryAfter / 60) }), headers: { 'Retry-After': String(retryAfter) } }
  }
  return null
}

/** Sign-up, sign-in, sign-out and the profile, as plain forms (no JavaScript needed). */
export const accountPages = new Hono<AppEnv>()

accountPages.get('/signup', (c) => {
  const next = nextOf(c)
  if (c.get('user')) return c.redirect(next, 303)
  noStore(c)
  return render(c, <SignupPage languages={LANGUAGES} next={next} />)
})

accountPages.post('/signup', sameOriginForm, async (c) => {
  const form = await readForm(c)
  const next = nextOf(c, form)
  const values = { email: form.email, display_name: form.display_name, language: form.language }
  noStore(c)
  const parsed = SignupFormSchema.safeParse(form)
  if (!parsed.success) return render(c, <SignupPage languages={LANGUAGES} next={next} values={values} errors={accountFieldErrors(parsed.error, c.get('t'), form)} />, { status: 422 })
  try {
    const { email, password, display_name, language } = parsed.data
    const profile = await c.get('services').accounts.signup({ email: email!, password, display_name, language: language ?? uiLanguage(c.get('locale')) }, clientAddress(c))
    // A plain sign-up continues to the optional "pick three films you like" step; a sign-up on the way somewhere goes there.
    return await startSession(c, profile, next === '/' ? '/welcome/picks' : next)
  } catch (error) {
    const problem = formProblem(error, c.get('t'))
    if (!problem) throw error
    const fields: FieldErrors = problem.status === 409 ? { email: problem.text } : {}
    const notice = problem.status === 409 ? undefined : problem.text
    return render(c, <SignupPage languages={LANGUAGES} next={next} values={values} errors={fields} notice={notice} />, { status: problem.status, headers: problem.headers })
  }
})

accountPages.get('/login', (c) => {
  const next = nextOf(c)
  if (c.get('user')) return c.redirect(next, 303)
  noStore(c)
  return render(c, <LoginPage next={next} />)
})

accountPages.post('/login', sameOriginForm, async (c) => {
  const form = await readForm(c)
  const next = nextOf(c, form)
  noStore(c)
  const parsed = LoginFormSchema.safeParse(form)
  if (!parsed.success) return render(c, <LoginPage next={next} email={form.email} errors={accountFieldErrors(parsed.error, c.get('t'), form)} />, { status: 422 })
  try {
    const profile = await c.get('services').accounts.login(parsed.data.email, parsed.data.password, clientAddress(c))
    return await startSession(c, profile, next)
  } catch (error) {
    const problem = formProblem(error, c.get('t'))
    if (!problem) throw error
    return render(c, <LoginPage next={next} email={form.email} notice={problem.text} />, { status: problem.status, headers: problem.headers })
  }
})

/** Signs this browser out; with `everywhere=1`, revokes every session of the account first. */
accountPages.post('/logout', async (c) => {
  const form = await readForm(c)
  const user = c.get('user')
  // Web Push to this browser ends with its session (audit 3, L2): a plain logout revokes no token, so the subscription
  // would otherwise live on until the push service answers 410. A failure here must not keep the visitor signed in.
  const token = sessionTokenOf(c)
  if (user && token) await c.get('services').push.endSession(user.id, token).catch((error: unknown) => console.error(`[${c.get('requestId')}] logout: push subscriptions not removed`, error))
  if (user && form.everywhere === '1') await c.get('services').accounts.logoutAll(user.id)
  clearSessionCookie(c)
  noStore(c)
  // A shared device keeps nothing of the viewer who left: the browser's caches, the service worker's copies and its
  // registration, IndexedDB (the third audit's L1). The service worker comes back with the next page, empty.
  c.header('Clear-Site-Data', '"cache", "storage"')
  // For browsers that ignore that header: the next page's script sees this and has the service worker purge instead.
  setCookie(c, 'purge', '1', { path: '/', maxAge: 300, secure: true, sameSite: 'Lax' })
  return c.redirect('/', 303)
})

function profileValues(c: Ctx): ProfileValues {
  const profile = currentUser(c).profile
  return {
    email: profile.email,
    display_name: profile.display_name,
    language: profile.language,
    region: profile.region ?? null,
    notifications: profile.notifications,
    email_verified: profile.email_verified === true,
  }
}

const renderProfile = async (c: Ctx, props: Omit<ProfilePageProps, 'languages' | 'regions'>, status: 200 | 401 | 403 | 409 | 422 = 200) =>
  render(c, <ProfilePage languages={LANGUAGES} regions={await c.get('services').watchProviders.regions()} {...props} />, { status })

accountPages.get('/profile', requirePageUser, async (c) => {
  noStore(c)
  const saved = c.req.query('saved') === '1'
  const resent = c.req.query('resent') === '1'
  const text = saved ? c.get('t')('profile.saved') : resent ? c.get('t')('email.profile.resent') : undefined
  const cleared = c.req.query('cleared') === '1'
  const notice = cleared
    ? ({ form: 'history', kind: 'success', text: c.get('t')('profile.history.cleared') } as const)
    : text
      ? ({ form: 'profile', kind: 'success', text } as const)
      : undefined
  return renderProfile(c, { values: profileValues(c), notice })
})

accountPages.post('/profile', requirePageUser, async (c) => {
  noStore(c)
  const user = currentUser(c)
  const form = await readForm(c)
  const stored = profileValues(c)
  const notifications = form.notifications_shown
    ? { release: form.notify_release === '1', recommendation: form.notify_recommendation === '1', digest_email: form.notify_digest === '1', push: form.notify_push === '1' }
    : stored.notifications
  const shown: ProfileValues = {
    email: form.email ?? stored.email,
    display_name: form.display_name ?? stored.display_name,
    language: form.language ?? stored.language,
    region: form.region === undefined ? stored.region : form.region || null,
    notifications,
    email_verified: stored.email_verified,
  }
  const invalid = (fields: FieldErrors, status: 403 | 409 | 422) =>
    renderProfile(c, { values: shown, errors: fields, notice: { form: 'profile', kind: 'error', text: c.get('t')('profile.fixFields') } }, status)
  const parsed = ProfileFormSchema.safeParse(form)
  if (!parsed.success) return invalid(accountFieldErrors(parsed.error, c.get('t'), form), 422)
  const { email, new_password, current_password, display_name, language } = parsed.data
  // A form without the field (an older page) leaves the region; blank is "Automatic".
  const region = form.region === undefined ? undefined : (parsed.data.region ?? null)
  if (region && !(await isKnownRegion(c.get('services').watchProviders, region))) return invalid({ region: c.get('t')('validation.region') }, 422)
  const sensitive = email !== stored.email || new_password !== undefined
  if (sensitive && !current_password) return invalid({ current_password: c.get('t')('profile.currentPasswordNeeded') }, 422)
  try {
    const accounts = c.get('services').accounts
    const { profile, rotated } = await accounts.update(user.profile, {
      email,
      password: new_password,
      display_name,
      language,
      region,
      notifications,
      current_password,
    }, clientAddress(c))
    if (rotated) setSessionCookie(c, await accounts.token(profile))
    return c.redirect('/profile?saved=1', 303)
  } catch (error) {
    if (error instanceof InvalidPassword) return invalid({ current_password: c.get('t')('profile.wrongPassword') }, 403)
    if (error instanceof EmailTaken) return invalid({ email: c.get('t')('profile.emailTaken') }, 409)
    throw error
  }
})

accountPages.post('/profile/delete', requirePageUser, async (c) => {
  noStore(c)
  const user = currentUser(c)
  const form = await readForm(c)
  try {
    await c.get('services').accounts.deleteAccount(user.profile, form.delete_password, clientAddress(c))
  } catch (error) {
    if (!(error instanceof InvalidPassword)) throw error
    return renderProfile(
      c,
      {
        values: profileValues(c),
        errors: { delete_password: c.get('t')('profile.wrongPassword') },
        notice: { form: 'delete', kind: 'error', text: c.get('t')('profile.notDeleted') },
      },
      403,
    )
  }
  clearSessionCookie(c)
  return c.redirect('/', 303)
})

const LanguageFormSchema = z.object({ language: LanguageSchema })

/**
 * POST /language (the language menu, a plain form): `language` is one of the UI languages. Sets the
 * `lang` cookie for a year and, for a signed-in user, the profile's language (which wins over the
 * cookie on every device); then 303 back to `next` (a same-site path), else the page it was sent from.
 */
accountPages.post('/language', sameOriginForm, async (c) => {
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
