import { describe, expect, it } from 'vitest'
import { drainEvents, type EventQueue } from '../../src/events/dispatcher'
import { events, newEvent } from '../../src/events/schema'
import { runReleaseAlertsJob } from '../../src/notifications/release-alerts'
import type { Movie } from '../../src/catalog/types'
import { MAX_SUBSCRIPTIONS, PushSubscriptionStore } from '../../src/push'
import { PushService } from '../../src/push/service'
import type { Services } from '../../src/services'
import { api, form, ORIGIN, signUp, type ErrorJson, type TestUser } from '../support/harness/accounts'
import { aws, notificationsOf, privateQueue, store } from '../support/harness/notifications'
import { answerNext, browserSubscription, inboxOf, PUBLIC_URL, pushApi, pushServices, vapid, type FakeSubscription, type Inbox } from '../support/harness/push'

/** A user with push on and one browser subscribed. */
async function pushUser(fields: { language?: string } = {}): Promise<{ user: TestUser; sub: FakeSubscription }> {
  const user = await signUp(fields)
  const on = await pushApi('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: true, recommendation: true, push: true } } })
  expect(on.status).toBe(200)
  expect(((await on.json()) as { notifications: { push: boolean } }).notifications.push).toBe(true)
  const sub = await browserSubscription()
  expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: sub })).status).toBe(201)
  return { user, sub }
}

/** A notification stored for the user and the event announcing it (what the notification handler stages). */
async function storedNotification(userId: string, kind: 'security' | 'release' = 'security') {
  const message = kind === 'security' ? ({ type: 'security', template: 'security.password_changed', params: {} } as const) : ({ type: 'release', template: 'release.streaming', params: {}, movie_id: 550 } as const)
  const item = await store.build(userId, message)
  await aws.db.put(aws.table, item)
  return newEvent(events.notificationCreated(userId, item.id))
}

const pushHandlerOf = (services: Services) => services.events.handlers['notification.created']![0]!

/** Waits (bounded) until the inbox holds `count` messages. */
async function messagesIn(sub: FakeSubscription, count: number, poke: () => Promise<unknown> = async () => undefined): Promise<Inbox> {
  for (let i = 0; i < 40; i++) {
    const inbox = await inboxOf(sub)
    if (inbox.messages.length >= count || inbox.errors.length > 0) return inbox
    await poke()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return inboxOf(sub)
}

const expectValidVapid = (inbox: Inbox, sub: FakeSubscription) => {
  expect(inbox.errors).toEqual([])
  for (const message of inbox.messages) {
    expect(message.encoding).toBe('aes128gcm')
    expect(Number(message.ttl)).toBeGreaterThan(0)
    expect(message.jwt.aud).toBe(new URL(sub.endpoint).origin)
    expect(message.jwt.sub).toBe(vapid.subject)
    expect(message.jwt.exp * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000)
  }
}

describe('Web Push', { timeout: 60_000 }, () => {
  it('should give the VAPID public key when push is configured, and 404 when it is not', async () => {
    const res = await pushApi('/push/public-key')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ key: vapid.publicKey })
    const off = await api('/push/public-key')
    expect(off.status).toBe(404)
    expect(((await off.json()) as ErrorJson).error.code).toBe('not_found')
  })

  it('should deliver a password-changed notice, encrypted and VAPID-signed, that decrypts to the notification', async () => {
    const queue = await privateQueue({ subscribed: true })
    const { user, sub } = await pushUser()
    const changed = await pushApi('/me', { method: 'PATCH', token: user.token, body: { password: 'a brand new passphrase', current_password: user.password } })
    expect(changed.status).toBe(200)
    const token = ((await changed.json()) as { token: string }).token
    const drainOnce = async () => {
      const { services, settle } = pushServices({ SQS_QUEUE_URL: queue.url })
      await drainEvents({ ...services.events, queue: services.events.queue! })
      await settle()
    }
    const security = (inbox: Inbox) => inbox.messages.filter((m) => m.payload.type === 'security')
    let inbox = await inboxOf(sub)
    // Bounded by time, not by rounds: on a loaded machine the topic's fan-out to the queue can lag behind 40 quick drains.
    for (const started = Date.now(); Date.now() - started < 20_000 && security(inbox).length === 0 && inbox.errors.length === 0; ) {
      await drainOnce()
      inbox = await inboxOf(sub)
      if (security(inbox).length === 0) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expectValidVapid(inbox, sub)
    const [notice] = (await notificationsOf(token)).results.filter((n) => n.type === 'security')
    expect(security(inbox)).toHaveLength(1)
    expect(security(inbox)[0]!.payload).toMatchObject({ title: notice!.title, body: notice!.body, url: `${PUBLIC_URL}/notifications`, tag: notice!.id, lang: 'en' })
    expect(security(inbox)[0]!.urgency).toBe('high')
    // The queue's own delivery of the announcement (and any redelivery) sends nothing more.
    await drainOnce()
    expect(security(await inboxOf(sub))).toHaveLength(1)
    // That notice was the ended sessions' last: the browser subscribed under them is gone (audit 3, L2); one that
    // subscribes under the new session stays.
    const subscriptions = async () => ((await (await pushApi('/me/export', { token })).json()) as { push_subscriptions: { endpoint: string }[] }).push_subscriptions
    expect(await subscriptions()).toEqual([])
    const again = await browserSubscription()
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token, body: again })).status).toBe(201)
    expect((await subscriptions()).map((s) => s.endpoint)).toEqual([again.endpoint])
  })

  it("should deliver a release alert in the reader's language, with the film's page and poster", async () => {
    const { user, sub } = await pushUser({ language: 'fr' })
    const film = ((await (await api('/movies/now_playing')).json()) as { results: Movie[] }).results[0]!
    expect((await api(`/me/watchlist/${film.id}`, { method: 'PUT', token: user.token })).status).toBe(201)
    const { services, settle } = pushServices()
    // Only this film is playing, so the job does not walk every other test's list.
    const catalog = services.catalog
    const onlyThisFilm = { source: catalog.source, genres: () => catalog.genres(), list: async () => ({ page: 1, total_pages: 1, total_results: 1, results: [film] }) }
    await runReleaseAlertsJob({ ...services.releaseAlerts, catalog: onlyThisFilm as never, maxPages: 1 })
    await settle()
    const inbox = await messagesIn(sub, 1)
    expectValidVapid(inbox, sub)
    const [alert] = (await notificationsOf(user.token)).results.filter((n) => n.type === 'release' && n.movie_id === film.id)
    expect(inbox.messages.map((m) => m.payload)).toEqual([
      expect.objectContaining({ title: alert!.title, body: alert!.body, url: `${PUBLIC_URL}/movies/${film.id}`, lang: 'fr', type: 'release' }),
    ])
    expect(alert!.title).toContain(film.title)
    expect(inbox.messages[0]!.payload.poster).toMatch(/^https?:\/\/.+\/.+/)
    expect(inbox.messages[0]!.payload.poster).toContain(new URL(film.poster_url!).pathname)
  })

  it('should send a subscription of ended sessions nothing but a security notice: anything else only removes it (audit 3, L2)', async () => {
    const { user, sub } = await pushUser()
    const { services } = pushServices()
    const release = async () => pushHandlerOf(services).handle(await storedNotification(user.user.id, 'release'), services.events.once(newEvent(events.signedUp(user.user.id)), 'push'))
    await release()
    expect((await messagesIn(sub, 1)).messages).toHaveLength(1)
    expect((await pushApi('/auth/logout-all', { method: 'POST', token: user.token })).status).toBe(204)
    await release()
    expect((await inboxOf(sub)).messages).toHaveLength(1)
    const relogged = (await (await pushApi('/auth/login', { body: { email: user.email, password: user.password } })).json()) as { token: string }
    expect(((await (await pushApi('/me/export', { token: relogged.token })).json()) as { push_subscriptions: unknown[] }).push_subscriptions).toEqual([])
  })

  it('should remove the subscription a browser registered when that browser signs out, and only that one (audit 3, L2)', async () => {
    const user = await signUp()
    const cookie = { Cookie: `session=${user.token}`, Origin: ORIGIN }
    const here = await browserSubscription()
    const elsewhere = await browserSubscription()
    // This browser subscribes under its cookie session; another device under another session (seeded: a login in the
    // same second would get the very same token).
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', headers: cookie, body: here })).status).toBe(201)
    await new PushSubscriptionStore(aws.db, aws.table).put(user.user.id, elsewhere, new Date(), undefined, 'another session')
    expect((await form('/logout', {}, { cookie: user.token })).status).toBe(303)
    // A plain logout revokes no token: the API still reads the account with it.
    const left = ((await (await pushApi('/me/export', { token: user.token })).json()) as { push_subscriptions: { endpoint: string }[] }).push_subscriptions
    expect(left.map((s) => s.endpoint)).toEqual([elsewhere.endpoint])
    expect(left[0]).not.toHaveProperty('session')
  })

  it('should drop a subscription the push service answers 410 (or 404) for, and send it nothing more', async () => {
    const { user, sub } = await pushUser()
    const other = await browserSubscription()
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: other })).status).toBe(201)
    await answerNext(sub, 410)
    await answerNext(other, 404)
    const { services } = pushServices()
    await pushHandlerOf(services).handle(await storedNotification(user.user.id), services.events.once(newEvent(events.signedUp(user.user.id)), 'push'))
    const exported = async () => ((await (await pushApi('/me/export', { token: user.token })).json()) as { push_subscriptions: unknown[] }).push_subscriptions
    expect(await exported()).toEqual([])
    await pushHandlerOf(services).handle(await storedNotification(user.user.id), services.events.once(newEvent(events.signedUp(user.user.id)), 'push'))
    expect(await inboxOf(sub)).toMatchObject({ attempts: 1, messages: [] })
    expect(await inboxOf(other)).toMatchObject({ attempts: 1, messages: [] })
  })

  it('should leave the event on the queue when the push service answers 429 or 5xx, and resend only where it failed', async () => {
    const { user, sub } = await pushUser()
    const healthy = await browserSubscription()
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: healthy })).status).toBe(201)
    await answerNext(sub, 429, 503)
    const event = await storedNotification(user.user.id)
    // A queue that hands out the same message until it is deleted (SQS after the visibility timeout).
    let deleted = false
    const queue: EventQueue = {
      receive: async () => (deleted ? [] : [{ messageId: 'm1', receiptHandle: 'r1', body: JSON.stringify(event), receiveCount: 1 }]),
      deleteBatch: async () => ((deleted = true), []),
    }
    const { services } = pushServices()
    const run = () => drainEvents({ queue, handlers: services.events.handlers, once: services.events.once, maxBatches: 1 })
    expect(await run()).toMatchObject({ failed: 1, processed: 0 })
    expect(await run()).toMatchObject({ failed: 1, processed: 0 })
    expect(await run()).toMatchObject({ failed: 0, processed: 1 })
    expect(deleted).toBe(true)
    const [failing, served] = await Promise.all([inboxOf(sub), inboxOf(healthy)])
    expect(failing.attempts).toBe(3)
    expect(failing.messages).toHaveLength(1)
    expect(served.messages).toHaveLength(1)
    expect(served.attempts).toBe(1)
  })

  it('should keep at most 10 subscriptions per user, replacing the oldest, and answer 200 for a known one', async () => {
    const user = await signUp()
    const subs = await Promise.all(Array.from({ length: MAX_SUBSCRIPTIONS + 1 }, () => browserSubscription()))
    // Ten browsers registered over the last hour (seeded directly), then an eleventh through the API.
    const seeded = new PushSubscriptionStore(aws.db, aws.table)
    await Promise.all(subs.slice(0, MAX_SUBSCRIPTIONS).map((sub, i) => seeded.put(user.user.id, sub, new Date(Date.now() - 3600_000 + i * 1000))))
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: subs.at(-1) })).status).toBe(201)
    const again = await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: subs.at(-1) })
    expect(again.status).toBe(200)
    const exported = ((await (await pushApi('/me/export', { token: user.token })).json()) as { push_subscriptions: { endpoint: string; keys: object }[] }).push_subscriptions
    expect(exported.map((s) => s.endpoint)).toEqual(subs.slice(1).map((s) => s.endpoint))
    expect(exported[0]).toMatchObject({ keys: subs[1]!.keys })
    // DELETE is idempotent.
    for (let i = 0; i < 2; i++) expect((await pushApi('/me/push-subscriptions', { method: 'DELETE', token: user.token, body: { endpoint: subs[1]!.endpoint } })).status).toBe(204)
    const after = ((await (await pushApi('/me/export', { token: user.token })).json()) as { push_subscriptions: unknown[] }).push_subscriptions
    expect(after).toHaveLength(MAX_SUBSCRIPTIONS - 1)
  })

  it('should move an endpoint to the account that subscribed it last (a shared browser)', async () => {
    const { user: first, sub } = await pushUser()
    const second = await signUp()
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: second.token, body: sub })).status).toBe(201)
    const list = async (user: TestUser) => ((await (await pushApi('/me/export', { token: user.token })).json()) as { push_subscriptions: unknown[] }).push_subscriptions
    expect(await list(first)).toEqual([])
    expect(await list(second)).toHaveLength(1)
  })

  it('should answer malformed subscriptions with 422 (and a body that is not JSON with 400)', async () => {
    const user = await signUp()
    const good = await browserSubscription()
    const cases: [unknown, string][] = [
      [{ endpoint: good.endpoint }, 'keys'],
      [{ ...good, endpoint: 'not a url' }, 'endpoint'],
      [{ ...good, endpoint: 'ftp://push.example.com/x' }, 'endpoint'],
      [{ ...good, keys: { ...good.keys, p256dh: 'short' } }, 'keys.p256dh'],
      [{ ...good, keys: { ...good.keys, auth: 'AAAA' } }, 'keys.auth'],
    ]
    for (const [body, path] of cases) {
      const res = await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body })
      expect(res.status).toBe(422)
      const error = ((await res.json()) as ErrorJson).error
      expect(error.code).toBe('validation_failed')
      expect(error.details?.map((d) => d.path)).toContain(path)
    }
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: '{nope', headers: { 'Content-Type': 'application/json' } })).status).toBe(400)
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', body: good })).status).toBe(401)
    expect((await pushApi('/me/push-subscriptions', { method: 'DELETE', token: user.token, body: {} })).status).toBe(422)
    // A listed host over http only in development (this suite's fake push service is http: on 127.0.0.1, listed).
    const production = new PushService({ store: undefined as never, publicKey: null, production: true, allowedHosts: [{ host: '127.0.0.1' }] })
    expect(production.acceptsEndpoint('http://127.0.0.1:9/push/x')).toBe(false)
    expect(production.acceptsEndpoint('https://fcm.googleapis.com/fcm/send/x')).toBe(true)
  })

  it('should refuse endpoints that are not a browser push service or a listed host: no POSTs into the network (audit 3, M5)', async () => {
    const user = await signUp()
    const good = await browserSubscription()
    for (const endpoint of [
      'https://127.0.0.2:9/x', // loopback (this suite lists 127.0.0.1 only, for its fake push service)
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.3.7:9200/_security/user',
      'https://[::1]/x',
      'https://localhost/x',
      'https://kubernetes.default.svc/api',
      'https://metadata/computeMetadata/v1/',
      'https://fcm.googleapis.com:8443/fcm/send/x',
      'http://fcm.googleapis.com/fcm/send/x',
      'https://fcm.googleapis.com.evil.example/fcm/send/x',
    ]) {
      const res = await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: { ...good, endpoint } })
      const status = res.status
      const error = status === 422 ? ((await res.json()) as ErrorJson).error : null
      expect(error?.message).toBe('The request did not pass validation.')
      expect([endpoint, status, error?.details?.[0]?.path]).toEqual([endpoint, 422, 'endpoint'])
    }
    for (const endpoint of ['https://fcm.googleapis.com/fcm/send/abc', 'https://updates.push.services.mozilla.com/wpush/v2/abc', 'https://web.push.apple.com/abc', 'https://wns2-by3p.notify.windows.com/w/?token=abc']) {
      expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: { ...good, endpoint } })).status).toBe(201)
    }
  })

  it('should export subscriptions and erase them (and their endpoint owner items) with the account', async () => {
    const { user, sub } = await pushUser()
    const exported = (await (await pushApi('/me/export', { token: user.token })).json()) as { push_subscriptions: { endpoint: string; created_at: string }[] }
    expect(exported.push_subscriptions).toEqual([expect.objectContaining({ endpoint: sub.endpoint, keys: sub.keys, created_at: expect.any(String) })])
    expect((await pushApi('/me', { method: 'DELETE', token: user.token, body: { current_password: user.password } })).status).toBe(204)
    const left = await aws.db.queryAll(aws.table, { keyCondition: 'pk = :pk', values: { ':pk': `USER#${user.user.id}` }, consistent: true })
    expect(left).toEqual([])
    const owners = await aws.db.queryAll<{ user_id: string }>(aws.table, { keyCondition: 'pk = :pk', values: { ':pk': `PUSHEP#${await endpointHashOf(sub.endpoint)}` }, consistent: true })
    expect(owners).toEqual([])
  })

  it('should send nothing to a user who turned push off', async () => {
    const { user, sub } = await pushUser()
    expect((await pushApi('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: true, recommendation: true, push: false } } })).status).toBe(200)
    const { services } = pushServices()
    const result = await pushHandlerOf(services).handle(await storedNotification(user.user.id), services.events.once(newEvent(events.signedUp(user.user.id)), 'push'))
    expect(result.delivered).toBe(0)
    expect((await inboxOf(sub)).attempts).toBe(0)
  })
})

async function endpointHashOf(endpoint: string): Promise<string> {
  const { endpointHash } = await import('../../src/push/keys')
  return endpointHash(endpoint)
}
