import { describe, expect, it } from 'vitest'
import { DynamoDb } from '../../src/aws/dynamodb'
import { api, ORIGIN, signUp, uniqueEmail, type ErrorJson } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'
import { seedingServices } from '../support/harness/services'

const { db, table } = testAws()
const codeOf = async (res: Response) => ((await res.json()) as ErrorJson).error.code
const browser = { Origin: ORIGIN, 'Sec-Fetch-Site': 'same-origin' }

/** Every item anywhere in the table that mentions the user (by id or email), found by a full scan. */
async function itemsMentioning(dynamo: DynamoDb, needles: string[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = []
  let startKey: unknown
  do {
    const page = await dynamo.call<{ Items: Record<string, unknown>[]; LastEvaluatedKey?: unknown }>('Scan', {
      TableName: table,
      ConsistentRead: true,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    })
    for (const item of page.Items) if (needles.some((n) => JSON.stringify(item).includes(n))) found.push(item)
    startKey = page.LastEvaluatedKey
  } while (startKey)
  return found
}

describe('PATCH /api/v1/me', { timeout: 120_000 }, () => {
  it('should change display name, language and notification preferences without rotating the token', async () => {
    const { token } = await signUp()
    const res = await api('/me', {
      method: 'PATCH',
      token,
      body: { display_name: 'Night Owl', language: 'fr', notifications: { release: false, recommendation: true } },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ display_name: 'Night Owl', language: 'fr', notifications: { release: false, recommendation: true } })
    expect(body.token).toBeUndefined()
    expect((await api('/me', { token })).status).toBe(200)
  })

  it('should need the right current password to change the email', async () => {
    const { token } = await signUp()
    const missing = await api('/me', { method: 'PATCH', token, body: { email: uniqueEmail() } })
    expect(missing.status).toBe(422)
    const wrong = await api('/me', { method: 'PATCH', token, body: { email: uniqueEmail(), current_password: 'nope nope' } })
    expect(wrong.status).toBe(403)
    expect(await codeOf(wrong)).toBe('invalid_password')
  })

  it('should move the email: old token 401, new token works, old email free, new email logs in', async () => {
    const { token, email, password } = await signUp()
    const newEmail = uniqueEmail('moved')
    const res = await api('/me', { method: 'PATCH', token, body: { email: newEmail.toUpperCase(), current_password: password } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { email: string; token: string }
    expect(body.email).toBe(newEmail)
    expect((await api('/me', { token })).status).toBe(401)
    expect((await api('/me', { token: body.token })).status).toBe(200)
    expect((await api('/auth/login', { body: { email: newEmail, password } })).status).toBe(200)
    expect((await api('/auth/login', { body: { email, password } })).status).toBe(401)
    await signUp({ email })
  })

  it('should refuse an email that is already taken with 409 and leave both accounts intact', async () => {
    const first = await signUp()
    const second = await signUp()
    const res = await api('/me', { method: 'PATCH', token: second.token, body: { email: first.email, current_password: second.password } })
    expect(res.status).toBe(409)
    expect(await codeOf(res)).toBe('email_taken')
    expect((await api('/me', { token: second.token })).status).toBe(200)
    expect((await api('/auth/login', { body: { email: second.email, password: second.password } })).status).toBe(200)
  })

  it('should change the password, revoke old tokens and accept only the new password', async () => {
    const { token, email, password } = await signUp()
    const res = await api('/me', { method: 'PATCH', token, body: { password: 'a brand new secret', current_password: password } })
    expect(res.status).toBe(200)
    const { token: fresh } = (await res.json()) as { token: string }
    expect((await api('/me', { token })).status).toBe(401)
    expect((await api('/me', { token: fresh })).status).toBe(200)
    expect((await api('/auth/login', { body: { email, password } })).status).toBe(401)
    expect((await api('/auth/login', { body: { email, password: 'a brand new secret' } })).status).toBe(200)
  })
})

describe('CSRF and cookies on the API', { timeout: 120_000 }, () => {
  it('should refuse a cross-origin cookie-authenticated write with 403 csrf_rejected', async () => {
    const { token } = await signUp()
    const res = await api('/me', {
      method: 'PATCH',
      cookie: token,
      body: { display_name: 'Hijacked' },
      headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    })
    expect(res.status).toBe(403)
    expect(await codeOf(res)).toBe('csrf_rejected')
    expect(((await (await api('/me', { token })).json()) as { display_name: string }).display_name).not.toBe('Hijacked')
  })

  it('should refuse a cross-site HTML form posting to a cookie-authenticated API write, and keep the sessions', async () => {
    const { token } = await signUp()
    const res = await api('/auth/logout-all', {
      method: 'POST',
      cookie: token,
      body: 'x=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    })
    expect(res.status).toBe(403)
    expect(await codeOf(res)).toBe('csrf_rejected')
    expect((await api('/me', { token })).status).toBe(200)
  })

  it('should refuse a cookie-authenticated write that carries neither Origin nor Sec-Fetch-Site', async () => {
    const { token } = await signUp()
    const res = await api('/me', { method: 'PATCH', cookie: token, body: { display_name: 'No Origin' } })
    expect(res.status).toBe(403)
    expect(await codeOf(res)).toBe('csrf_rejected')
  })

  it('should accept a same-origin cookie-authenticated write and refresh the cookie on a password change', async () => {
    const { token, password } = await signUp()
    const ok = await api('/me', { method: 'PATCH', cookie: token, headers: browser, body: { display_name: 'Same Site' } })
    expect(ok.status).toBe(200)
    const rotated = await api('/me', { method: 'PATCH', cookie: token, headers: browser, body: { password: 'another good one', current_password: password } })
    expect(rotated.status).toBe(200)
    const setCookie = rotated.headers.get('Set-Cookie') ?? ''
    expect(setCookie).toMatch(/^session=[\w-]+\.[\w-]+\.[\w-]+;/)
    expect(setCookie).toContain('HttpOnly')
  })

  it('should let a bearer request without Origin through', async () => {
    const { token } = await signUp()
    const res = await api('/me', { method: 'PATCH', token, body: { display_name: 'Bearer Client' } })
    expect(res.status).toBe(200)
  })

  it('should not accept the cookie on a cross-origin read', async () => {
    const { token } = await signUp()
    expect((await api('/me', { cookie: token, headers: browser })).status).toBe(200)
    expect((await api('/me', { cookie: token, headers: { Origin: 'https://evil.example' } })).status).toBe(401)
    expect((await api('/me', { cookie: token, headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(401)
  })

  it('should let any origin get a bearer token from the JSON login (CORS, no cookie set)', async () => {
    // The contract's CSRF rule covers cookie-authenticated requests and the HTML forms; the JSON
    // login sets no cookie, and a cross-origin app has no other way to get its bearer token.
    const { email, password } = await signUp()
    const cross = { Origin: 'https://elsewhere.example', 'Sec-Fetch-Site': 'cross-site' }
    const res = await api('/auth/login', { body: { email, password }, headers: cross })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(res.headers.get('Set-Cookie')).toBeNull()
    const { token } = (await res.json()) as { token: string }
    expect((await api('/me', { token, headers: cross })).status).toBe(200)
    const signup = await api('/auth/signup', { body: { email: uniqueEmail(), password: 'long enough pass' }, headers: cross })
    expect(signup.status).toBe(201)
    expect(signup.headers.get('Set-Cookie')).toBeNull()
  })
})

describe('export and deletion', { timeout: 120_000 }, () => {
  it('should export the profile, list and reviews without secrets', async () => {
    const { token, user } = await signUp()
    const seed = seedingServices({ 900000001: [18] })
    await seed.watchlist.add(user, 900000001)
    await seed.reviews.put(900000002, user, { rating: 8, text: 'Lovely' })
    const res = await api('/me/export', { token })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).not.toContain('password_hash')
    expect(text).not.toContain('pbkdf2')
    const data = JSON.parse(text) as { profile: { id: string }; watchlist: { movie_id: number }[]; reviews: { movie_id: number; rating: number }[] }
    expect(data.profile.id).toBe(user.id)
    expect(data.watchlist.map((w) => w.movie_id)).toEqual([900000001])
    expect(data.reviews).toEqual([expect.objectContaining({ movie_id: 900000002, rating: 8 })])
  })

  it('should delete every item of the user and correct the review aggregates', async () => {
    const { token, user, email, password } = await signUp()
    const movieId = 900000000 + Math.floor(Math.random() * 1_000_000)
    const other = await signUp()
    const { reviews, watchlist } = seedingServices({ [movieId]: [18, 35] })
    await reviews.put(movieId, other.user, { rating: 4 })
    await reviews.put(movieId, user, { rating: 10, text: 'Best ever' })
    await watchlist.add(user, movieId)
    await db.put(table, { pk: `USER#${user.id}`, sk: `NOTIF#${new Date().toISOString()}#n1`, type: 'welcome', title: 'Hi' })

    const wrong = await api('/me', { method: 'DELETE', token, body: { current_password: 'not it at all' } })
    expect(wrong.status).toBe(403)
    expect(await codeOf(wrong)).toBe('invalid_password')

    const res = await api('/me', { method: 'DELETE', token, body: { current_password: password } })
    expect(res.status).toBe(204)
    expect(await itemsMentioning(db, [user.id, email])).toEqual([])
    expect(await db.get(table, { pk: `MOVIE#${movieId}`, sk: 'AGG' }, { consistent: true })).toMatchObject({ rating_sum: 4, rating_count: 1 })
    expect((await api('/me', { token })).status).toBe(401)
    expect((await api('/auth/login', { body: { email, password } })).status).toBe(401)
    await signUp({ email })
  })
})

describe('OpenAPI', { timeout: 120_000 }, () => {
  it('should document every account route with its request schema', async () => {
    const doc = (await (await api('/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>> }
    expect(doc.paths['/api/v1/auth/signup']?.post?.requestBody).toBeDefined()
    expect(doc.paths['/api/v1/auth/login']?.post?.requestBody).toBeDefined()
    expect(doc.paths['/api/v1/auth/logout-all']?.post?.security).toBeDefined()
    expect(Object.keys(doc.paths['/api/v1/me'] ?? {}).sort()).toEqual(['delete', 'get', 'patch'])
    expect(doc.paths['/api/v1/me/export']?.get).toBeDefined()
  })
})
