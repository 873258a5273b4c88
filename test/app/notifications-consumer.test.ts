import { describe, expect, it } from 'vitest'
import { events } from '../../src/events/schema'
import { drainEventQueue } from '../../src/jobs'
import { drainEvents, type EventQueue } from '../../src/events/dispatcher'
import { parseSnsEnvelope } from '../../src/aws/sns'
import { NOTIFICATIONS_QUEUE, SECURITY_QUEUE } from '../../infra/resources'
import { uniqueId } from '../support/harness/aws'
import { notificationHandler } from '../../src/notifications/handler'
import { api, signUp } from '../support/harness/accounts'
import { aws, catalog, drain, drainUntil, envelope, jobContext, notificationsOf, privateQueue, queueCounts, store } from '../support/harness/notifications'
import { testServices } from '../support/harness/services'

describe('notification consumer (SNS → SQS → cron) on fauxqs and DynamoDB Local', { timeout: 60_000 }, () => {
  it('should welcome a new user once the queue is drained', async () => {
    const queue = await privateQueue({ subscribed: true })
    const user = await signUp()
    const list = await drainUntil(queue.url, user.token, (l) => l.some((n) => n.type === 'welcome'))
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ type: 'welcome', movie_id: null, read: false })
    expect(list[0]!.title).toMatch(/welcome/i)
  })

  it('should send a security notification after a password change (and drain through the cron job)', async () => {
    const queue = await privateQueue({ subscribed: true })
    const user = await signUp()
    const res = await api('/me', { method: 'PATCH', token: user.token, body: { password: 'a brand new secret', current_password: user.password } })
    expect(res.status).toBe(200)
    const { token } = (await res.json()) as { token: string }
    for (let i = 0; i < 30; i++) {
      const { job, settle } = jobContext({ SQS_QUEUE_URL: queue.url })
      await drainEventQueue(job)
      await settle()
      if ((await notificationsOf(token)).results.some((n) => n.type === 'security')) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const { results } = await notificationsOf(token)
    const security = results.filter((n) => n.type === 'security')
    expect(security).toHaveLength(1)
    expect(security[0]!.title).toMatch(/password was changed/i)
  })

  it('should send a security notification after an email change', async () => {
    const queue = await privateQueue({ subscribed: true })
    const user = await signUp()
    const res = await api('/me', {
      method: 'PATCH',
      token: user.token,
      body: { email: `moved-${crypto.randomUUID().slice(0, 8)}@example.com`, current_password: user.password },
    })
    expect(res.status).toBe(200)
    const { token } = (await res.json()) as { token: string }
    const list = await drainUntil(queue.url, token, (l) => l.some((n) => n.type === 'security'))
    expect(list.filter((n) => n.type === 'security').map((n) => n.title)).toEqual(['Your email address was changed'])
  })

  it('should make one notification when the same SQS message is delivered twice', async () => {
    const queue = await privateQueue()
    const user = await signUp()
    const { body } = envelope(events.passwordChanged(user.user.id))
    await aws.sqs.send(queue.url, body)
    await aws.sqs.send(queue.url, body)
    const first = await drain(queue.url)
    expect(first.processed).toBe(2)
    // One notification and one email in all: each handler acts on one copy (with two handlers racing over
    // two copies in one batch, each may pick a different copy, so neither copy need count as a whole duplicate).
    expect(first.notified).toBe(2)
    // And once more, after the first copy was already handled and deleted.
    await aws.sqs.send(queue.url, body)
    const again = await drain(queue.url)
    expect(again).toMatchObject({ processed: 1, duplicates: 1, notified: 0 })
    const { results } = await notificationsOf(user.token)
    expect(results.filter((n) => n.type === 'security')).toHaveLength(1)
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 0 })
  })

  it('should tell the listers of a film whose video became ready that it is now streaming, once each, if they want release alerts', async () => {
    const queue = await privateQueue()
    const movie = (await catalog.list('popular', { page: 2 })).results[13]!.id
    const [lister, quiet, stranger] = await Promise.all([signUp(), signUp(), signUp()])
    for (const user of [lister, quiet]) expect((await api(`/me/watchlist/${movie}`, { method: 'PUT', token: user.token })).status).toBe(201)
    expect((await api('/me', { method: 'PATCH', token: quiet.token, body: { notifications: { release: false, recommendation: true } } })).status).toBe(200)
    // Delivered twice, and a second video of the same film ready later: still one notification.
    const { body } = envelope(events.videoReady('operator', '01ARZ3NDEKTSV4RRFFQ69G5FAV', movie))
    await aws.sqs.send(queue.url, body)
    await aws.sqs.send(queue.url, body)
    await aws.sqs.send(queue.url, envelope(events.videoReady('operator', '01ARZ3NDEKTSV4RRFFQ69G5FAW', movie)).body)
    await drain(queue.url)
    const told = (await notificationsOf(lister.token)).results.filter((n) => n.type === 'release')
    expect(told).toHaveLength(1)
    expect(told[0]).toMatchObject({ movie_id: movie, read: false })
    expect(told[0]!.title).toMatch(/^Now streaming on Flixpeek: /)
    for (const user of [quiet, stranger]) expect((await notificationsOf(user.token)).results.filter((n) => n.type === 'release')).toEqual([])
  })

  it('should leave a poison message on the queue without holding back the others', async () => {
    const queue = await privateQueue()
    const users = await Promise.all([signUp(), signUp()])
    await aws.sqs.send(queue.url, envelope(events.passwordChanged(users[0].user.id)).body)
    await aws.sqs.send(queue.url, '{"Type":"Notification","Message":"this is not an event"}')
    await aws.sqs.send(queue.url, envelope(events.emailChanged(users[1].user.id)).body)
    const report = await drain(queue.url)
    // Delivered: two security notifications, and two emails (password changed; a verification link for the new address).
    expect(report).toMatchObject({ received: 3, processed: 2, failed: 1, notified: 4 })
    expect((await notificationsOf(users[0].token)).results.map((n) => n.type)).toContain('security')
    expect((await notificationsOf(users[1].token)).results.map((n) => n.type)).toContain('security')
    // Not deleted: still on the queue, hidden until its visibility timeout ends.
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 1 })
  })

  it('should let a message that keeps failing end in the dead-letter queue', async () => {
    const queue = await privateQueue({ visibilitySeconds: 0, maxReceiveCount: 2 })
    const user = await signUp()
    await aws.sqs.send(queue.url, 'not even json')
    await aws.sqs.send(queue.url, envelope(events.passwordChanged(user.user.id)).body)
    const report = await drain(queue.url, { maxBatches: 5 })
    expect(report.processed).toBe(1)
    expect(report.failed).toBeGreaterThanOrEqual(2)
    const dead = await aws.sqs.receive(queue.dlqUrl, { maxMessages: 10 })
    expect(dead.map((m) => m.body)).toEqual(['not even json'])
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 0 })
  })

  it('should lose nothing when processing fails halfway: the undeleted message is handled on a later run', async () => {
    const queue = await privateQueue({ visibilitySeconds: 0 })
    const user = await signUp()
    const { results: popular } = (await (await api('/movies/popular')).json()) as { results: { id: number }[] }
    await aws.sqs.send(queue.url, envelope(events.reviewPosted(user.user.id, popular[4]!.id, 10)).body)
    const real = testServices({ SQS_QUEUE_URL: queue.url })
    // The app's notification handler, wired to a catalog that fails.
    const down = notificationHandler({
      db: aws.db,
      table: aws.table,
      store,
      catalog: { details: () => Promise.reject(new Error('catalog unavailable')) },
      preferencesOf: (ids, opts) => real.accounts.preferencesOf(ids, opts),
      listedAmong: (userId, ids) => real.watchlist.listedAmong(userId, ids),
      reviewedAmong: (userId, ids) => real.reviews.reviewedAmong(userId, ids),
      recommendedAmong: (userId, ids) => store.recommendedAmong(userId, ids),
    })
    const failed = await drainEvents({ queue: real.events.queue!, handlers: { 'review.posted': [down] }, once: real.events.once, maxBatches: 1 })
    expect(failed).toMatchObject({ received: 1, processed: 0, failed: 1 })
    expect((await notificationsOf(user.token)).results).toEqual([])

    const retried = await drain(queue.url)
    expect(retried).toMatchObject({ processed: 1, notified: 1 })
    expect((await notificationsOf(user.token)).results.map((n) => n.type)).toEqual(['recommendation'])
  })

  it('should recommend a similar film, with the reason, after a rating of 8 or more', async () => {
    const queue = await privateQueue()
    const user = await signUp()
    const { results: popular } = (await (await api('/movies/popular')).json()) as { results: { id: number; title: string }[] }
    const rated = popular[0]!
    await aws.sqs.send(queue.url, envelope(events.reviewPosted(user.user.id, rated.id, 9)).body)
    await aws.sqs.send(queue.url, envelope(events.reviewPosted(user.user.id, popular[1]!.id, 5)).body)
    await drain(queue.url)
    const recommendations = (await notificationsOf(user.token)).results.filter((n) => n.type === 'recommendation')
    expect(recommendations).toHaveLength(1)
    expect(recommendations[0]!.body).toBe(`Because you rated ${rated.title} 9/10.`)
    expect(recommendations[0]!.movie_id).not.toBe(rated.id)
    expect(recommendations[0]!.movie_id).toEqual(expect.any(Number))
  })

  it('should turn a review posted through the API into a recommendation, and a list add into nothing', async () => {
    const queue = await privateQueue({ subscribed: true })
    const user = await signUp()
    const { results: popular } = (await (await api('/movies/top_rated')).json()) as { results: { id: number; title: string }[] }
    const [rated, listed] = [popular[2]!, popular[3]!]
    expect((await api(`/me/watchlist/${listed.id}`, { method: 'PUT', token: user.token })).status).toBe(201)
    expect((await api(`/movies/${rated.id}/reviews`, { method: 'PUT', token: user.token, body: { rating: 8 } })).status).toBe(201)
    const list = await drainUntil(queue.url, user.token, (l) => l.some((n) => n.type === 'recommendation'))
    expect(list.map((n) => n.type).sort()).toEqual(['recommendation', 'welcome'])
    const recommendation = list.find((n) => n.type === 'recommendation')!
    expect(recommendation.body).toBe(`Because you rated ${rated.title} 8/10.`)
    expect([rated.id, listed.id]).not.toContain(recommendation.movie_id)
  })

  it('should not echo plain actions, and send no recommendation when the user switched them off', async () => {
    const queue = await privateQueue()
    const user = await signUp()
    const off = await api('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: false, recommendation: false } } })
    expect(off.status).toBe(200)
    const { results: popular } = (await (await api('/movies/popular')).json()) as { results: { id: number }[] }
    await aws.sqs.send(queue.url, envelope(events.watchlistAdded(user.user.id, popular[0]!.id)).body)
    await aws.sqs.send(queue.url, envelope(events.reviewPosted(user.user.id, popular[0]!.id, 10)).body)
    expect(await drain(queue.url)).toMatchObject({ processed: 2, failed: 0, notified: 0 })
    expect((await notificationsOf(user.token)).results).toEqual([])
  })

  it('should drain a backlog of 160 events in one run, not 100 (audit 3, M4)', async () => {
    const queue = await privateQueue()
    // Events no handler of this consumer reacts to (uploads are the transcoder's): what is measured is the run's capacity.
    const upload = () => envelope(events.videoUploaded('operator', crypto.randomUUID(), 1, 1)).body
    for (let i = 0; i < 160; i += 20) await Promise.all(Array.from({ length: 20 }, () => aws.sqs.send(queue.url, upload())))
    expect(await drain(queue.url)).toMatchObject({ received: 160, processed: 160, failed: 0 })
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 0 })
  })

  it('should carry security events on their own queue and drain it before the notifications queue (audit 3, M4)', async () => {
    // Named like a deployment's queues: the security queue's URL is the notifications queue's with its suffix.
    const base = uniqueId('lane').slice(0, 40)
    const security = await privateQueue({ subscribed: true, name: `${base}${SECURITY_QUEUE.suffix}`, filterPolicy: SECURITY_QUEUE.filterPolicy })
    const notifications = await privateQueue({ subscribed: true, name: `${base}${NOTIFICATIONS_QUEUE.suffix}`, filterPolicy: NOTIFICATIONS_QUEUE.filterPolicy })
    const user = await signUp()
    const res = await api('/me', { method: 'PATCH', token: user.token, body: { password: 'a brand new secret', current_password: user.password } })
    const { token } = (await res.json()) as { token: string }
    await expect.poll(async () => (await queueCounts(security.url)).visible, { timeout: 10_000 }).toBeGreaterThan(0)
    // The notifications queue never sees it (only this test's sign-up and whatever else the suite publishes).
    const seen = await aws.sqs.receive(notifications.url, { maxMessages: 10 })
    expect(seen.map((message) => (JSON.parse(parseSnsEnvelope(message.body).message) as { type: string }).type)).not.toContain('user.password_changed')

    // The cron job reads the security queue first.
    const { job, settle } = jobContext({ SQS_QUEUE_URL: notifications.url })
    const order: string[] = []
    const recorded = (name: string, queue: EventQueue | null) => queue && { ...queue, receive: (opts: Parameters<EventQueue['receive']>[0]) => (order.push(name), queue.receive(opts)) }
    const events = { ...job.events, queue: recorded('notifications', job.events.queue), securityQueue: recorded('security', job.events.securityQueue) }
    await drainEventQueue(Object.create(job, { events: { value: events } }) as typeof job)
    await settle()
    expect(order[0]).toBe('security')
    expect(order).toContain('notifications')
    expect((await notificationsOf(token)).results.filter((n) => n.type === 'security')).toHaveLength(1)
  })
})
