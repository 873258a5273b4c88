import { env } from '@test/runtime'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { api, clientIp, signUp, uniqueEmail, type ErrorJson } from '../support/harness/accounts'

const secret = new TextEncoder().encode((env as unknown as { JWT_SECRET: string }).JWT_SECRET)
const b64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
const codeOf = async (res: Response) => ((await res.json()) as ErrorJson).error.code

// Each sign-up and login runs a real Argon2id hash (~40 ms CPU): on a loaded machine the default 5 s per test is too short.
describe('sign-up', { timeout: 120_000 }, () => {
  it('should create an account with a normalised email and a neutral generated name', async () => {
    const email = uniqueEmail('Mixed')
    const res = await api('/auth/signup', { body: { email: `  ${email.toUpperCase()} `, password: 'long enough password' } })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { token: string; user: Record<string, unknown> }
    expect(Object.keys(body.user).sort()).toEqual(['created_at', 'display_name', 'email', 'email_verified', 'id', 'language', 'region'])
    expect(body.user.email).toBe(email.toLowerCase())
    expect(body.user.language).toBe('en')
    expect(body.user.display_name).toMatch(/^Viewer \d{4}$/)
    expect(body.token.split('.')).toHaveLength(3)
    const me = await api('/me', { token: body.token })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ ...body.user, notifications: { release: true, recommendation: true } })
  })

  it('should keep a chosen display name', async () => {
    const { user } = await signUp({ display_name: '  Film Fan  ' })
    expect(user.display_name).toBe('Film Fan')
  })

  it('should create exactly one account when 30 sign-ups race for one email', async () => {
    const email = uniqueEmail('race')
    const variants = Array.from({ length: 30 }, (_, i) => (i % 2 ? email.toUpperCase() : email))
    const responses = await Promise.all(variants.map((e) => api('/auth/signup', { body: { email: e, password: 'racing password 1' } })))
    const statuses = responses.map((r) => r.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(29)
    const conflict = responses.find((r) => r.status === 409)!
    expect(await codeOf(conflict)).toBe('email_taken')
    const login = await api('/auth/login', { body: { email, password: 'racing password 1' } })
    expect(login.status).toBe(200)
  })

  it('should answer a short password with 422 and details', async () => {
    const res = await api('/auth/signup', { body: { email: uniqueEmail(), password: 'short' } })
    expect(res.status).toBe(422)
    const body = (await res.json()) as ErrorJson
    expect(body.error.code).toBe('validation_failed')
    expect(body.error.details).toContainEqual(expect.objectContaining({ path: 'password' }))
  })

  it('should reject an unknown language and a bad email with 422', async () => {
    const res = await api('/auth/signup', { body: { email: 'not-an-email', password: 'long enough password', language: 'xx' } })
    expect(res.status).toBe(422)
    const paths = ((await res.json()) as ErrorJson).error.details!.map((d) => d.path)
    expect(paths).toEqual(expect.arrayContaining(['email', 'language']))
  })

  it('should answer malformed JSON and a wrong content type with 400 malformed_request', async () => {
    const bad = await api('/auth/signup', { body: '{"email": ', headers: { 'Content-Type': 'application/json' } })
    expect(bad.status).toBe(400)
    expect(await codeOf(bad)).toBe('malformed_request')
    const wrongType = await api('/auth/login', { body: 'email=a@b.c&password=x', headers: { 'Content-Type': 'text/plain' } })
    expect(wrongType.status).toBe(400)
    expect(await codeOf(wrongType)).toBe('malformed_request')
  })
})

describe('login', { timeout: 120_000 }, () => {
  it('should give the same 401 for an unknown email and a wrong password', async () => {
    const { email } = await signUp()
    const wrong = await api('/auth/login', { body: { email, password: 'not the password' } })
    const unknown = await api('/auth/login', { body: { email: uniqueEmail('nobody'), password: 'not the password' } })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    const [a, b] = [(await wrong.json()) as ErrorJson, (await unknown.json()) as ErrorJson]
    expect(a.error.code).toBe('invalid_credentials')
    expect(b.error.code).toBe('invalid_credentials')
    expect(a.error.message).toBe(b.error.message)
  })

  it('should log in case-insensitively and return a working token', async () => {
    const { email, password, user } = await signUp()
    const res = await api('/auth/login', { body: { email: email.toUpperCase(), password } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { token: string; user: { id: string } }
    expect(body.user.id).toBe(user.id)
    expect((await api('/me', { token: body.token })).status).toBe(200)
  })

  it('should answer the 11th failed login for one account with 429 and Retry-After, even with the right password', async () => {
    const { email, password } = await signUp()
    for (let i = 0; i < 10; i++) {
      const res = await api('/auth/login', { body: { email, password: `wrong ${i}` } })
      expect(res.status).toBe(401)
    }
    const limited = await api('/auth/login', { body: { email, password } })
    expect(limited.status).toBe(429)
    expect(await codeOf(limited)).toBe('rate_limited')
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
  })

  it('should not count successful logins as failures', async () => {
    const { email, password } = await signUp()
    for (let i = 0; i < 12; i++) expect((await api('/auth/login', { body: { email, password } })).status).toBe(200)
  })

  it('should limit one client to 50 failed logins across accounts', async () => {
    const ip = clientIp()
    for (let i = 0; i < 50; i++) {
      const res = await api('/auth/login', { ip, body: { email: uniqueEmail('spray'), password: 'guess guess' } })
      expect(res.status).toBe(401)
    }
    const limited = await api('/auth/login', { ip, body: { email: uniqueEmail('spray'), password: 'guess guess' } })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Retry-After')).toMatch(/^\d+$/)
  })
})

describe('tokens', { timeout: 120_000 }, () => {
  it('should reject tampered, alg:none, expired, wrongly signed and garbage tokens with 401', async () => {
    const { token, user } = await signUp()
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
    const tampered = `${header}.${b64url({ ...claims, sub: 'someone-else' })}.${signature}`
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`
    const now = Math.floor(Date.now() / 1000)
    const expired = await new SignJWT({ tv: claims.tv }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id)
      .setIssuedAt(now - 8 * 86400).setExpirationTime(now - 86400).sign(secret)
    const wrongKey = await new SignJWT({ tv: claims.tv }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id)
      .setIssuedAt(now).setExpirationTime(now + 3600).sign(new TextEncoder().encode('another-secret-that-is-32-bytes-long!!'))
    const hs512 = await new SignJWT({ tv: claims.tv }).setProtectedHeader({ alg: 'HS512' }).setSubject(user.id)
      .setIssuedAt(now).setExpirationTime(now + 3600).sign(secret)
    for (const bad of [tampered, none, expired, wrongKey, hs512, 'garbage', `${token}x`]) {
      const res = await api('/me', { token: bad })
      expect(res.status, bad).toBe(401)
      expect(await codeOf(res)).toBe('unauthorized')
    }
    expect((await api('/me', { headers: { Authorization: 'Basic abc' } })).status).toBe(401)
    expect((await api('/me')).status).toBe(401)
    expect((await api('/me', { token })).status).toBe(200)
  })

  it('should revoke every token of the user on logout-all', async () => {
    const { token, email, password } = await signUp()
    const second = ((await (await api('/auth/login', { body: { email, password } })).json()) as { token: string }).token
    const res = await api('/auth/logout-all', { method: 'POST', token })
    expect(res.status).toBe(204)
    expect((await api('/me', { token })).status).toBe(401)
    expect((await api('/me', { token: second })).status).toBe(401)
    const fresh = ((await (await api('/auth/login', { body: { email, password } })).json()) as { token: string }).token
    expect((await api('/me', { token: fresh })).status).toBe(200)
  })
})
