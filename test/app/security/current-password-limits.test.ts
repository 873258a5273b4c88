import { describe, expect, it } from 'vitest'
import { api, clientIp, form, signUp, uniqueEmail, type ErrorJson } from '../../support/harness/accounts'

const codeOf = async (res: Response) => ((await res.json()) as ErrorJson).error.code
const wrongPatch = (token: string, ip: string) =>
  api('/me', { method: 'PATCH', token, ip, body: { email: uniqueEmail('steal'), current_password: 'a wrong guess' } })

/** F2: a stolen token must not allow unlimited guesses of the current password. */
describe('wrong current_password counts like a failed login (F2)', { timeout: 180_000 }, () => {
  it('should answer 429 with Retry-After on PATCH /api/v1/me after 10 wrong guesses for one account, even from many clients', async () => {
    const { token, password } = await signUp()
    for (let i = 0; i < 10; i++) expect((await wrongPatch(token, clientIp())).status).toBe(403)
    const limited = await wrongPatch(token, clientIp())
    expect(limited.status).toBe(429)
    expect(await codeOf(limited)).toBe('rate_limited')
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
    // Locked for the window even with the right password, exactly like the login form.
    const right = await api('/me', { method: 'PATCH', token, body: { password: 'a new long password', current_password: password } })
    expect(right.status).toBe(429)
  })

  it('should share the account counter with failed logins: DELETE /api/v1/me is limited after failed logins', async () => {
    const user = await signUp()
    for (let i = 0; i < 10; i++) expect((await api('/auth/login', { body: { email: user.email, password: 'wrong password' } })).status).toBe(401)
    const res = await api('/me', { method: 'DELETE', token: user.token, body: { current_password: 'still wrong' } })
    expect(res.status).toBe(429)
    expect(await codeOf(res)).toBe('rate_limited')
  })

  it('should not count a right current password', async () => {
    const user = await signUp()
    for (let i = 0; i < 12; i++) {
      const res = await api('/me', { method: 'PATCH', token: user.token, body: { email: user.email.toUpperCase(), password: user.password, current_password: user.password } })
      expect(res.status).toBe(200)
      user.token = ((await res.json()) as { token: string }).token
    }
  })

  it('should limit one client guessing across accounts (50 per client) on POST /profile', async () => {
    const ip = clientIp()
    const users = await Promise.all(Array.from({ length: 6 }, () => signUp()))
    const guess = (cookie: string) =>
      form('/profile', { email: uniqueEmail('steal'), display_name: 'X', language: 'en', current_password: 'a wrong guess' }, { cookie, ip })
    const statuses: number[] = []
    for (const user of users.slice(0, 5)) for (let i = 0; i < 10; i++) statuses.push((await guess(user.token)).status)
    expect(statuses.every((s) => s === 403)).toBe(true)
    const limited = await guess(users[5]!.token)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(limited.headers.get('Content-Type')).toContain('text/html')
  })

  it('should answer 429 on POST /profile/delete after 10 wrong passwords, and keep the account', async () => {
    const user = await signUp()
    for (let i = 0; i < 10; i++) expect((await form('/profile/delete', { delete_password: 'nope nope' }, { cookie: user.token })).status).toBe(403)
    const limited = await form('/profile/delete', { delete_password: user.password }, { cookie: user.token })
    expect(limited.status).toBe(429)
    expect((await api('/me', { token: user.token })).status).toBe(200)
  })
})
