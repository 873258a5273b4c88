import { issueMessage as m } from '../../i18n/message-ref'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { currentUser, requirePageUser } from '../../auth/middleware'
import { accountFieldErrors } from '../../accounts/forms'
import { PasswordSchema } from '../../accounts/types'
import type { AppEnv } from '../../context'
import { CACHE, useCache } from '../../http/cache'
import { clientAddress } from '../../http/origin'
import { readForm } from '../../http/forms'
import { render } from '../../http/render'
import { InvalidToken } from '../../shared/errors'
import { EmailNoticePage, ForgotPage, ResetPage } from '../../../views/pages/RecoveryPages'

type Ctx = Context<AppEnv>

/** Token pages are personal and carry secrets in their URL: never cached, never sent on as a Referer. */
const noStore = (c: Ctx) => {
  useCache(c, CACHE.noStore)
  c.header('Referrer-Policy', 'no-referrer')
}

const ForgotFormSchema = z.object({ email: z.string().trim().min(1, m('validation.required')).max(254, m('validation.maxChars', { max: 254 })) })
const ResetFormSchema = z.object({ token: z.string().trim().min(1).max(200), password: PasswordSchema })

/** Password recovery and email verification, as plain forms. */
export const recoveryPages = new Hono<AppEnv>()

recoveryPages.get('/forgot', (c) => {
  noStore(c)
  return render(c, <ForgotPage />)
})

recoveryPages.post('/forgot', async (c) => {
  noStore(c)
  const form = await readForm(c)
  const parsed = ForgotFormSchema.safeParse(form)
  if (!parsed.success) return render(c, <ForgotPage email={form.email} errors={accountFieldErrors(parsed.error, c.get('t'), form)} />, { status: 422 })
  await c.get('services').accounts.recovery.requestReset(parsed.data.email, clientAddress(c))
  // The same page for every address: it never tells whether one has an account.
  return render(c, <ForgotPage sent />)
})

recoveryPages.get('/reset', (c) => {
  noStore(c)
  const token = c.req.query('token') ?? ''
  return render(c, <ResetPage token={token} invalid={token === ''} />, { status: token === '' ? 400 : 200 })
})

recoveryPages.post('/reset', async (c) => {
  noStore(c)
  const form = await readForm(c)
  const parsed = ResetFormSchema.safeParse(form)
  if (!parsed.success) {
    const invalid = !form.token
    return render(c, <ResetPage token={form.token ?? ''} invalid={invalid} errors={accountFieldErrors(parsed.error, c.get('t'), form)} />, { status: invalid ? 400 : 422 })
  }
  try {
    await c.get('services').accounts.recovery.confirmReset(parsed.data.token, parsed.data.password)
  } catch (error) {
    if (!(error instanceof InvalidToken)) throw error
    return render(c, <ResetPage token="" invalid />, { status: 400 })
  }
  const t = c.get('t')
  return render(c, <EmailNoticePage title={t('email.reset.title')} text={t('email.reset.done')} kind="success" action={{ href: '/login', label: t('auth.signIn.submit') }} />)
})

recoveryPages.get('/verify', async (c) => {
  noStore(c)
  const t = c.get('t')
  try {
    await c.get('services').accounts.recovery.verify(c.req.query('token') ?? '')
  } catch (error) {
    if (!(error instanceof InvalidToken)) throw error
    return render(c, <EmailNoticePage title={t('email.verify.title')} text={t('email.token.invalid')} kind="error" />, { status: 400 })
  }
  return render(c, <EmailNoticePage title={t('email.verify.title')} text={t('email.verify.done')} kind="success" action={{ href: '/', label: t('nav.home') }} />)
})

/** The profile's "send the link again". */
recoveryPages.post('/profile/verify-email', requirePageUser, async (c) => {
  noStore(c)
  await c.get('services').accounts.recovery.resendVerification(currentUser(c).id)
  return c.redirect('/profile?resent=1', 303)
})
