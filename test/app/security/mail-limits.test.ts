import { createExecutionContext, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { api, clientIp, form, signUp, uniqueEmail, type ErrorJson } from '../../support/harness/accounts'
import { mailTo, waitForMail } from '../../support/harness/mail'
import { testServices } from '../../support/harness/services'

/** Security audit 3, M3 (mail bombing) and M4 (reset requests flooding the queue): every mail-producing action is bounded. */
describe('mail limits', { timeout: 60_000 }, () => {
  it('should answer 429 with Retry-After past 20 reset requests from one client in an hour, on the API and the /forgot page', async () => {
    const ip = clientIp()
    // Different addresses each time: the per-address limit (5 an hour, silent) never applies.
    for (let i = 0; i < 20; i++) expect((await api('/auth/password-reset', { ip, body: { email: uniqueEmail('reset') } })).status).toBe(202)
    const refused = await api('/auth/password-reset', { ip, body: { email: uniqueEmail('reset') } })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(((await refused.json()) as ErrorJson).error.code).toBe('rate_limited')
    const page = await form('/forgot', { email: uniqueEmail('reset') }, { ip })
    expect(page.status).toBe(429)
    expect(page.headers.get('Retry-After')).toBeTruthy()
    // Another client is not affected.
    expect((await api('/auth/password-reset', { body: { email: uniqueEmail('reset') } })).status).toBe(202)
  })

  it('should answer 429 past 5 verification resends and email changes for one account in an hour, and send no mail for them', async () => {
    const user = await signUp()
    await waitForMail(user.email, /confirm your email/i)
    for (let i = 0; i < 4; i++) expect((await form('/profile/verify-email', {}, { cookie: user.token })).status).toBe(303)
    // The fifth mail action is an email change (counted with the resends); the sixth, a resend, is refused.
    const newEmail = uniqueEmail('changed')
    const changed = await api('/me', { method: 'PATCH', token: user.token, body: { email: newEmail, current_password: user.password } })
    expect(changed.status).toBe(200)
    const { token } = (await changed.json()) as { token: string }
    const refused = await form('/profile/verify-email', {}, { cookie: token })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBeTruthy()
    const change = await api('/me', { method: 'PATCH', token, body: { email: uniqueEmail('again'), current_password: user.password } })
    expect(change.status).toBe(429)
    // Sign-up's mail and four resends reached the first address, nothing more.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await mailTo(user.email)).filter((mail) => /confirm your email/i.test(mail.subject))).toHaveLength(5)
    // The new address got the change's own confirmation, not the refused resend's.
    await waitForMail(newEmail, /confirm your email/i)
    expect((await mailTo(newEmail)).filter((mail) => /confirm your email/i.test(mail.subject))).toHaveLength(1)
  })

  it('should send no address more than 10 mails a day, whatever asks for them', async () => {
    const to = uniqueEmail('inbox')
    const ctx = createExecutionContext()
    const { mailer } = testServices({}, ctx)
    for (let i = 0; i < 12; i++) await mailer.send({ to, template: 'password-changed', locale: 'en', params: { link: 'https://example.com/forgot' } })
    await waitOnExecutionContext(ctx)
    expect(await mailTo(to)).toHaveLength(10)
    // Counted by the address as written to any case: the budget is the mailbox's.
    await mailer.send({ to: to.toUpperCase(), template: 'password-changed', locale: 'en', params: { link: 'https://example.com/forgot' } })
    expect(await mailTo(to)).toHaveLength(10)
  })
})
