import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import type { NewNotification } from '../../src/notifications/store'
import { api, form, ORIGIN, signUp, type ErrorJson, type TestUser } from '../support/harness/accounts'
import { aws, notificationsOf, store } from '../support/harness/notifications'

/** Three notifications a minute apart (oldest first), written as the consumer and the cron write them. */
async function seed(user: TestUser): Promise<void> {
  const base = Date.now() - 10 * 60_000
  const inputs: NewNotification[] = [
    { type: 'welcome', title: 'Welcome to Flixpeek', body: 'Hello.', at: new Date(base) },
    { type: 'release', title: 'Casablanca is out now', body: 'A film on your list is now playing.', movie_id: 900000001, at: new Date(base + 60_000) },
    { type: 'recommendation', title: 'You might like <Heat> & co', body: 'Because you rated Ronin 9/10.', movie_id: 900000002, at: new Date(base + 120_000) },
  ]
  for (const input of inputs) await aws.db.transactWrite([store.putEntry(await store.build(user.user.id, input))])
}

const page = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, {
    headers: { Accept: 'text/html', ...(cookie ? { Cookie: `session=${cookie}` } : {}), ...headers },
    redirect: 'manual',
  })

describe('notifications API', { timeout: 30_000 }, () => {
  it('should list a user’s notifications newest first, in the contract’s shape, with the unread count', async () => {
    const user = await signUp()
    await seed(user)
    const body = await notificationsOf(user.token)
    expect(body.unread).toBe(3)
    expect(body.results.map((n) => n.type)).toEqual(['recommendation', 'release', 'welcome'])
    for (const n of body.results) expect(Object.keys(n).sort()).toEqual(['body', 'created_at', 'id', 'movie_id', 'read', 'title', 'type'])
    expect(body.results[1]).toMatchObject({ movie_id: 900000001, read: false, title: 'Casablanca is out now' })
    expect(body.results[2]!.movie_id).toBeNull()
    expect(await (await api('/me/notifications?page=2', { token: user.token })).json()).toEqual({ unread: 3, results: [] })
  })

  it('should render a notification stored as {template, params} with names looked up when read, and one stored before that as it was', async () => {
    const user = await signUp()
    const { results: films } = (await (await api('/movies/popular')).json()) as { results: { id: number; title: string }[] }
    const [pick, rated] = [films[0]!, films[1]!]
    const now = Date.now()
    // Written by today's consumer: ids and numbers only, no display text.
    const current = await store.build(user.user.id, {
      type: 'recommendation',
      template: 'recommendation.rated',
      params: { rated_movie_id: rated.id, rating: 9 },
      movie_id: pick.id,
      at: new Date(now - 60_000),
    })
    expect(JSON.stringify(current)).not.toContain(pick.title)
    // Exactly as the code before templates wrote it: rendered English text, no template.
    const legacy = {
      pk: `USER#${user.user.id}`,
      sk: `NOTIF#${new Date(now - 120_000).toISOString()}#${(now - 120_000).toString(36).padStart(9, '0')}0123456789abcdef`,
      entity: 'notification',
      user_id: user.user.id,
      id: `${(now - 120_000).toString(36).padStart(9, '0')}0123456789abcdef`,
      type: 'release',
      title: 'Casablanca is out now',
      body: 'A film on your list is now playing (released 1942-11-26).',
      movie_id: 900000001,
      created_at: new Date(now - 120_000).toISOString(),
      read: false,
      expires_at: Math.floor(now / 1000) + 3600,
    }
    await aws.db.transactWrite([store.putEntry(current), { put: { table: aws.table, item: legacy } }])
    const { results } = await notificationsOf(user.token)
    expect(results.map(({ type, title, body, movie_id }) => ({ type, title, body, movie_id }))).toEqual([
      { type: 'recommendation', title: `You might like ${pick.title}`, body: `Because you rated ${rated.title} 9/10.`, movie_id: pick.id },
      { type: 'release', title: 'Casablanca is out now', body: 'A film on your list is now playing (released 1942-11-26).', movie_id: 900000001 },
    ])
    const html = await (await page('/notifications', user.token)).text()
    expect(html).toContain('Casablanca is out now')
    expect(html).toContain(' 9/10.')
    expect(html).toContain(`href="/movies/${pick.id}"`)
  })

  it('should forget notifications after 90 days, even before DynamoDB’s TTL sweep removes them', async () => {
    const user = await signUp()
    const old = await store.build(user.user.id, { type: 'welcome', title: 'Long ago', body: 'x', at: new Date(Date.now() - 91 * 86_400_000) })
    const recent = await store.build(user.user.id, { type: 'welcome', title: 'Lately', body: 'x', at: new Date(Date.now() - 89 * 86_400_000) })
    expect(recent.expires_at - Math.floor(Date.parse(recent.created_at) / 1000)).toBe(90 * 86_400)
    await aws.db.transactWrite([store.putEntry(old), store.putEntry(recent)])
    const body = await notificationsOf(user.token)
    expect(body.results.map((n) => n.title)).toEqual(['Lately'])
    expect(body.unread).toBe(1)
  })

  it('should reject a bad page with 422 and an anonymous caller with 401', async () => {
    const user = await signUp()
    const bad = await api('/me/notifications?page=0', { token: user.token })
    expect(bad.status).toBe(422)
    expect(((await bad.json()) as ErrorJson).error.code).toBe('validation_failed')
    const anonymous = await api('/me/notifications')
    expect(anonymous.status).toBe(401)
    expect((await api('/me/notifications/read-all', { method: 'POST' })).status).toBe(401)
  })

  it('should mark one notification read, and answer 404 for unknown ids and other users’ ids', async () => {
    const [user, other] = await Promise.all([signUp(), signUp()])
    await seed(user)
    const [newest] = (await notificationsOf(user.token)).results
    const res = await api(`/me/notifications/${newest!.id}/read`, { method: 'POST', token: user.token })
    expect(res.status).toBe(204)
    const after = await notificationsOf(user.token)
    expect(after.unread).toBe(2)
    expect(after.results[0]).toMatchObject({ id: newest!.id, read: true })
    // Idempotent: reading it again is fine.
    expect((await api(`/me/notifications/${newest!.id}/read`, { method: 'POST', token: user.token })).status).toBe(204)

    for (const id of ['0000000000000000000000000', 'nope', newest!.id.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))]) {
      const missing = await api(`/me/notifications/${id}/read`, { method: 'POST', token: user.token })
      expect(missing.status).toBe(404)
      expect(((await missing.json()) as ErrorJson).error.code).toBe('not_found')
    }
    const foreign = await api(`/me/notifications/${newest!.id}/read`, { method: 'POST', token: other.token })
    expect(foreign.status).toBe(404)
  })

  it('should mark all read', async () => {
    const user = await signUp()
    await seed(user)
    expect((await api('/me/notifications/read-all', { method: 'POST', token: user.token })).status).toBe(204)
    const after = await notificationsOf(user.token)
    expect(after.unread).toBe(0)
    expect(after.results.every((n) => n.read)).toBe(true)
  })

  it('should refuse a cross-site cookie POST (CSRF) and document the routes in OpenAPI', async () => {
    const user = await signUp()
    const res = await api('/me/notifications/read-all', { method: 'POST', cookie: user.token, headers: { Origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    const doc = (await (await api('/openapi.json')).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/me/notifications', '/api/v1/me/notifications/read-all', '/api/v1/me/notifications/{id}/read']),
    )
  })
})

describe('notification pages', { timeout: 30_000 }, () => {
  it('should show the list newest first with links to the films, escaped, and the bell count in the header', async () => {
    const user = await signUp()
    await seed(user)
    const res = await page('/notifications', user.token)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html.indexOf('You might like')).toBeLessThan(html.indexOf('Casablanca is out now'))
    expect(html).toContain('href="/movies/900000001"')
    expect(html).toContain('You might like &lt;Heat&gt; &amp; co')
    expect(html).toMatch(/id="notification-bell"[^>]*hx-get="\/notifications\/bell"/)
    expect(html).toContain('hx-trigger="every 60s"')
    expect(html).toContain('Notifications, 3 unread')
  })

  it('should show the unread count on any page a signed-in user loads', async () => {
    const user = await signUp()
    await seed(user)
    const html = await (await page('/', user.token)).text()
    expect(html).toContain('Notifications, 3 unread')
  })

  it('should serve the bell fragment htmx polls, and nothing to anonymous visitors', async () => {
    const user = await signUp()
    await seed(user)
    const res = await page('/notifications/bell', user.token, { 'HX-Request': 'true' })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html.startsWith('<a id="notification-bell"')).toBe(true)
    expect(html).toContain('>3</span>')
    expect((await page('/notifications/bell', undefined, { 'HX-Request': 'true' })).status).toBe(204)
  })

  it('should send an anonymous visitor to log in', async () => {
    const res = await page('/notifications')
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/login?next=%2Fnotifications')
  })

  it('should mark read with plain forms (303 back) and with htmx (the item, the unread summary and the bell swapped)', async () => {
    const user = await signUp()
    await seed(user)
    const [newest, middle] = (await notificationsOf(user.token)).results
    const plain = await form(`/notifications/${newest!.id}/read`, {}, { cookie: user.token })
    expect(plain.status).toBe(303)
    expect(plain.headers.get('Location')).toBe('/notifications')

    const htmx = await form(`/notifications/${middle!.id}/read`, {}, { cookie: user.token, headers: { 'HX-Request': 'true' } })
    expect(htmx.status).toBe(200)
    const fragment = await htmx.text()
    expect(fragment).toContain(`id="notification-${middle!.id}"`)
    expect(fragment).toContain('is-read')
    expect(fragment).toMatch(/id="notification-bell"[^>]*hx-swap-oob="true"/)
    // The page's "N unread" line and its Mark-all button follow the bell instead of going stale.
    expect(fragment).toMatch(/id="notifications-toolbar"[^>]*hx-swap-oob="true"[^>]*>\s*<p class="page-subtitle">1 unread</)
    expect((await notificationsOf(user.token)).unread).toBe(1)

    const missing = await form('/notifications/nope/read', {}, { cookie: user.token })
    expect(missing.status).toBe(404)

    const all = await form('/notifications/read-all', {}, { cookie: user.token })
    expect(all.status).toBe(303)
    expect((await notificationsOf(user.token)).unread).toBe(0)
    const after = await (await page('/notifications', user.token)).text()
    expect(after).toContain('You are all caught up.')
  })
})
