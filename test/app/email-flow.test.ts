import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { api, form, ORIGIN, signUp, uniqueEmail, type ErrorJson } from '../support/harness/accounts'
import { linkIn, mailTo, tokenIn, waitForMail } from '../support/harness/mail'

const me = (token: string) => api('/me', { token })

describe('email verification and password recovery through the local SES server', { timeout: 60_000 }, () => {
  it('should take a user from sign-up through the verify link, forgot and reset to a new password, ending the old session', async () => {
    const user = await signUp()
    expect(user.user).toMatchObject({ email_verified: false })

    // The verification email: product name, why it was sent, a plain-text and an HTML part.
    const [verifyMail] = await waitForMail(user.email, /confirm your email/i)
    expect(verifyMail!.body.text).toMatch(/Flixpeek/)
    expect(verifyMail!.body.text).toMatch(/You got this email because/)
    expect(verifyMail!.body.html).toContain('<a href="')
    expect(verifyMail!.body.html).not.toMatch(/<script|<img/i)
    const verifyLink = linkIn(verifyMail!, '/verify')
    const verified = await SELF.fetch(`${ORIGIN}${verifyLink.pathname}${verifyLink.search}`)
    expect(verified.status).toBe(200)
    expect(await verified.text()).toMatch(/email address is confirmed/)
    expect(((await (await me(user.token)).json()) as { email_verified: boolean }).email_verified).toBe(true)
    // Single use: the same link again is refused.
    expect((await SELF.fetch(`${ORIGIN}${verifyLink.pathname}${verifyLink.search}`)).status).toBe(400)

    // Forgot → reset email → new password through the page.
    const forgot = await form('/forgot', { email: user.email })
    expect(forgot.status).toBe(200)
    const [resetMail] = await waitForMail(user.email, /reset your flixpeek password/i)
    const resetLink = linkIn(resetMail!, '/reset')
    expect(resetLink.origin).toBe(ORIGIN)
    const page = await SELF.fetch(`${ORIGIN}${resetLink.pathname}${resetLink.search}`)
    expect(page.status).toBe(200)
    const done = await form('/reset', { token: resetLink.searchParams.get('token')!, password: 'a whole new passphrase' })
    expect(done.status).toBe(200)
    expect(await done.text()).toMatch(/every device was signed out/)

    // The old session is over; the new password works; the link is used up.
    expect((await me(user.token)).status).toBe(401)
    expect((await api('/auth/login', { body: { email: user.email, password: 'a whole new passphrase' } })).status).toBe(200)
    const again = await api('/auth/password-reset/confirm', { body: { token: resetLink.searchParams.get('token'), password: 'yet another passphrase' } })
    expect(again.status).toBe(400)
    expect(((await again.json()) as ErrorJson).error.code).toBe('invalid_token')
    await waitForMail(user.email, /password was changed/i)
  })

  it('should reset through the JSON API twins and refuse unknown or malformed tokens with invalid_token', async () => {
    const user = await signUp()
    expect((await api('/auth/password-reset', { body: { email: user.email.toUpperCase() } })).status).toBe(202)
    const [mail] = await waitForMail(user.email, /reset your/i)
    // The outstanding token is in the export (purpose and times, never its hash).
    const exported = (await (await api('/me/export', { token: user.token })).json()) as { email_tokens?: { purpose: string }[] }
    expect(exported.email_tokens?.map((t) => t.purpose)).toContain('reset')
    expect(JSON.stringify(exported.email_tokens)).not.toContain(tokenIn(mail!, '/reset').split('.')[1])
    const confirmed = await api('/auth/password-reset/confirm', { body: { token: tokenIn(mail!, '/reset'), password: 'api chosen passphrase' } })
    expect(confirmed.status).toBe(204)
    expect((await me(user.token)).status).toBe(401)
    for (const token of ['nonsense', `${user.user.id}.${'A'.repeat(43)}`]) {
      const res = await api('/auth/password-reset/confirm', { body: { token, password: 'whatever passphrase' } })
      expect(res.status).toBe(400)
      expect(((await res.json()) as ErrorJson).error.code).toBe('invalid_token')
    }
    const verify = await api('/auth/verify-email', { body: { token: 'nonsense' } })
    expect(verify.status).toBe(400)
    expect((await api('/auth/password-reset/confirm', { body: { token: 'x', password: 'short' } })).status).toBe(422)
  })

  it('should end every other reset link with a reset, a password change and "sign out everywhere" (audit 3, L7)', async () => {
    /** Two reset links for the user, each from its own request (the newest mails first). */
    const twoLinks = async (email: string): Promise<string[]> => {
      const before = (await mailTo(email)).filter((mail) => /reset your/i.test(mail.subject)).length
      for (let i = 0; i < 2; i++) expect((await api('/auth/password-reset', { body: { email } })).status).toBe(202)
      for (let i = 0; i < 50 && (await mailTo(email)).filter((mail) => /reset your/i.test(mail.subject)).length < before + 2; i++) await new Promise((resolve) => setTimeout(resolve, 100))
      return (await mailTo(email)).filter((mail) => /reset your/i.test(mail.subject)).slice(-2).map((mail) => tokenIn(mail, '/reset'))
    }
    const confirm = async (token: string) => (await api('/auth/password-reset/confirm', { body: { token, password: 'a passphrase of its own' } })).status
    // A reset with one link: the other no longer works.
    const a = await signUp()
    const [first, second] = await twoLinks(a.user.email)
    expect(await confirm(first!)).toBe(204)
    expect(await confirm(second!)).toBe(400)
    // A password change from the profile, and "sign out everywhere": links mailed before stop working.
    const b = await signUp({ password: 'the first passphrase' })
    const [beforeChange] = await twoLinks(b.user.email)
    const changed = await api('/me', { method: 'PATCH', token: b.token, body: { password: 'the second passphrase', current_password: 'the first passphrase' } })
    expect(changed.status).toBe(200)
    expect(await confirm(beforeChange!)).toBe(400)
    const c = await signUp()
    const [beforeLogout] = await twoLinks(c.user.email)
    expect((await api('/auth/logout-all', { method: 'POST', token: c.token })).status).toBe(204)
    expect(await confirm(beforeLogout!)).toBe(400)
  })

  it('should greet nobody by name in mail to an unverified address: the name is the sign-up\'s own text (audit 3, L3)', async () => {
    const lure = 'Refund of $499: call +1-800-555-0100'
    const user = await signUp({ display_name: lure })
    const [mail] = await waitForMail(user.email, /confirm your email/i)
    expect(mail!.body.text).not.toContain('Refund')
    expect(mail!.body.html).not.toContain('Refund')
    expect(mail!.body.text).toMatch(/^Hello,/m)
  })

  it('should answer /forgot and the API the same for an unknown address, and send it nothing', async () => {
    const nobody = uniqueEmail('nobody')
    const known = await signUp()
    const [a, b] = await Promise.all([form('/forgot', { email: nobody }), form('/forgot', { email: known.email })])
    expect(a.status).toBe(b.status)
    const strip = (html: string) => html.replace(/[0-9a-f-]{36}|nonce-[^"]+|"[A-Za-z0-9_-]{20,}"/g, '')
    expect(strip(await a.text())).toBe(strip(await b.text()))
    expect((await api('/auth/password-reset', { body: { email: nobody } })).status).toBe(202)
    await waitForMail(known.email, /reset your/i)
    expect(await mailTo(nobody)).toEqual([])
  })

  it('should notify the old address of an email change and send the new one a verification link', async () => {
    const user = await signUp()
    const moved = uniqueEmail('moved')
    const res = await api('/me', { method: 'PATCH', token: user.token, body: { email: moved, current_password: user.password } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { email_verified: boolean }).email_verified).toBe(false)
    const [notice] = await waitForMail(user.email, /email address was changed/i)
    expect(notice!.body.text).toMatch(/Not you\? Reset your password/)
    await waitForMail(moved, /confirm your email/i)
  })
})
