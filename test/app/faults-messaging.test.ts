/**
 * SNS and SQS faults (the same proxy as DynamoDB's, test/support/fault-proxy.ts, one per service), the event
 * markers under DynamoDB faults, and the release alerts under both. What must hold: an acknowledged write keeps its
 * event until SNS takes it, a message leaves the queue only after its handlers succeeded, and however often an
 * event is published or received, a user is told once. Short fault windows, an account or two, 1 s visibility.
 */
import { createExecutionContext, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { DynamoDb } from '../../src/aws/dynamodb'
import { NOTIFICATIONS_QUEUE, SECURITY_QUEUE } from '../../infra/resources'
import type { Movie } from '../../src/catalog/types'
import type { EventHandler } from '../../src/events/dispatcher'
import { CLAIM_LEASE_SECONDS, eventMarkers } from '../../src/events/markers'
import { newEvent, type DomainEvent } from '../../src/events/schema'
import { runReleaseAlertsJob } from '../../src/notifications/release-alerts'
import type { Services } from '../../src/services'
import { uniqueEmail } from '../support/harness/accounts'
import { drain, drainUntil, envelope, notificationsOf, privateQueue, queueCounts } from '../support/harness/notifications'
import { seedingServices, testServices } from '../support/harness/services'
import { recordingChannel } from '../support/recording-channel'
import { aws, call, down, heal, madeUpFilm, outboxOf, plan, quiet, useFaultProxies, stats, through } from './faults-support'

useFaultProxies()

interface Member {
  id: string
  token: string
}

async function signUp(): Promise<Member> {
  const res = await call('/auth/signup', { body: { email: uniqueEmail('fault'), password: 'correct horse battery' } })
  expect(res.status).toBe(201)
  const { token, user } = (await res.json()) as { token: string; user: { id: string } }
  return { id: user.id, token }
}

/** One account for the tests below that need one but no token of their own; each uses events of its own. */
let member: Promise<Member> | undefined
const someone = () => (member ??= signUp())

const count = (list: { type: string }[], type: string) => list.filter((n) => n.type === type).length
const security = (list: { type: string }[]) => count(list, 'security') > 0
const changePassword = async (token: string) => {
  const res = await call('/me', { method: 'PATCH', token, body: { password: 'a brand new secret', current_password: 'correct horse battery' } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { token: string }).token
}

describe('SNS faults: an acknowledged write keeps its event', { timeout: 60_000 }, () => {
  it('should keep the events of writes acknowledged during an SNS outage, and publish each once it is back', async () => {
    quiet()
    const staged = ['review.posted', 'user.password_changed', 'user.signed_up', 'watchlist.added']
    // Every copy of the four events that reaches the topic (anyone's: this file's flush, or another file's flush of
    // the shared outbox, may publish them), and the events that tell the user something, for the drains.
    const copies = await privateQueue({ subscribed: true, filterPolicy: { type: staged } })
    const queue = await privateQueue({ subscribed: true, visibilitySeconds: 1, filterPolicy: { type: ['user.signed_up', 'user.password_changed'] } })
    const films = ((await (await call('/movies/top_rated')).json()) as { results: { id: number }[] }).results
    const failedBefore = (await stats('sns')).error500 ?? 0
    await down('sns')
    const me = await signUp()
    const film = films.at(-1)!.id
    expect((await call(`/me/watchlist/${film}`, { method: 'PUT', token: me.token })).ok).toBe(true)
    expect((await call(`/movies/${film}/reviews`, { method: 'PUT', token: me.token, body: { rating: 6 } })).ok).toBe(true)
    const token = await changePassword(me.token)
    // Each answer was 2xx while every publish after it failed (4 attempts each): the events waited in the outbox.
    expect(((await stats('sns')).error500 ?? 0) - failedBefore).toBeGreaterThanOrEqual(4 * 4)

    await heal('sns')
    await testServices().flushOutbox({ graceMs: 0 })
    expect(await outboxOf(new Set([me.id]))).toEqual([])
    const published = new Set<string>()
    for (let i = 0; i < 50 && published.size < staged.length; i++) {
      for (const message of await aws.sqs.receive(copies.url, { waitSeconds: 1 })) {
        const event = JSON.parse((JSON.parse(message.body) as { Message: string }).Message) as DomainEvent
        if (event.user_id === me.id) published.add(event.type)
      }
    }
    expect([...published].sort()).toEqual(staged)
    await drainUntil(queue.url, token, (list) => count(list, 'welcome') > 0 && security(list))
    // A second flush and drain find nothing more to tell.
    await testServices().flushOutbox({ graceMs: 0 })
    await drain(queue.url)
    const { results } = await notificationsOf(token)
    expect([count(results, 'welcome'), count(results, 'security')]).toEqual([1, 1])
  })

  it('should tell a user once when SNS applied a publish but its answer was lost (published twice)', async () => {
    quiet()
    const me = await signUp()
    const copies = await privateQueue({ subscribed: true, filterPolicy: { type: ['user.password_changed'] } })
    const queue = await privateQueue({ subscribed: true, visibilitySeconds: 1, filterPolicy: { type: ['user.password_changed'] } })
    await plan({ next: ['drop'], only: ['Publish'] }, 'sns')
    const before = (await stats('sns')).drop ?? 0
    const token = await changePassword(me.token)
    expect((await stats('sns')).drop).toBe(before + 1)
    // The retry's answer arrived: the item is gone, and the topic got the event twice.
    expect(await outboxOf(new Set([me.id]))).toEqual([])
    const seen: string[] = []
    for (let i = 0; i < 10 && seen.length < 2; i++) {
      for (const message of await aws.sqs.receive(copies.url, { waitSeconds: 1 })) {
        const event = JSON.parse((JSON.parse(message.body) as { Message: string }).Message) as DomainEvent
        if (event.user_id === me.id) seen.push(event.id)
      }
    }
    expect(seen).toHaveLength(2)
    expect(new Set(seen).size).toBe(1)
    await drainUntil(queue.url, token, security)
    await drain(queue.url)
    expect(count((await notificationsOf(token)).results, 'security')).toBe(1)
  })
})

/** The user's stored notifications of a type, read from the table. */
async function stored(userId: string, type: string): Promise<number> {
  const items = await aws.db.queryAll<{ type: string }>(aws.table, { keyCondition: 'pk = :pk AND begins_with(sk, :n)', values: { ':pk': `USER#${userId}`, ':n': 'NOTIF#' }, consistent: true })
  return count(items, type)
}

/** Drains `queueUrl` (healthy services) until `done`; bounded. */
async function drainFor(queueUrl: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 30 && !(await done()); i++) {
    if ((await drain(queueUrl)).received === 0) await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// A handler failing under DynamoDB faults leaves its message on the queue: the concurrent runs of faults.test.ts drain
// through DynamoDB faults and then find every sign-up welcomed once; notifications-consumer.test.ts fails one halfway.
describe('SQS faults: a message leaves the queue only once handled', { timeout: 60_000 }, () => {
  /**
   * A queue of this test's own (not on the topic) holding one security event of the shared account, and how many
   * security notices it had before (its password_changed events travel only through these queues).
   */
  async function queued() {
    const userId = (await someone()).id
    const queue = await privateQueue({ visibilitySeconds: 1 })
    await aws.sqs.send(queue.url, envelope({ type: 'user.password_changed', user_id: userId, payload: {} }).body)
    const before = await stored(userId, 'security')
    const notices = async () => (await stored(userId, 'security')) - before
    return { userId, queue, notices, faulty: (over: Record<string, string> = through.sqs) => testServices({ SQS_QUEUE_URL: queue.url, ...over }) }
  }

  it('should lose no message when ReceiveMessage fails or its answer is lost, and handle it once SQS is back', async () => {
    quiet()
    const { queue, notices, faulty } = await queued()
    await down('sqs', ['ReceiveMessage'])
    await expect(drain(queue.url, {}, faulty())).rejects.toThrow()
    // Handed out (and hidden for its visibility timeout) by a receive whose answer never arrived.
    await plan({ next: ['drop'], only: ['ReceiveMessage'] }, 'sqs')
    expect((await drain(queue.url, {}, faulty())).received).toBe(0)
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 1 })
    await heal('sqs')
    await drainFor(queue.url, async () => (await notices()) > 0)
    expect(await notices()).toBe(1)
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 0 })
  })

  it('should handle a message again after DeleteMessageBatch failed or lost its answer, and tell the user once (markers)', async () => {
    quiet()
    const { userId, queue, notices, faulty } = await queued()
    await down('sqs', ['DeleteMessageBatch'])
    await expect(drain(queue.url, {}, faulty())).rejects.toThrow()
    expect(await notices()).toBe(1)
    await heal('sqs')
    // Back after its visibility timeout: a duplicate to every handler, deleted this time.
    let duplicates = 0
    for (let i = 0; i < 30 && duplicates === 0; i++) {
      duplicates += (await drain(queue.url)).duplicates
      if (duplicates === 0) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(duplicates).toBe(1)
    // A delete applied whose answer was lost: the retried delete of the same receipt handle changes nothing.
    await aws.sqs.send(queue.url, envelope({ type: 'user.password_changed', user_id: userId, payload: {} }).body)
    await plan({ next: ['drop'], only: ['DeleteMessageBatch'] }, 'sqs')
    expect(await drain(queue.url, {}, faulty())).toMatchObject({ received: 1, failed: 0 })
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 0 })
    expect(await notices()).toBe(2)
  })
})

describe('event markers under DynamoDB faults: no orphan claims', { timeout: 60_000 }, () => {
  const mailOf = (services: Services) => services.events.handlers['user.password_changed']!.find((handler) => handler.name === 'mail') as EventHandler
  const faultyDb = () => DynamoDb.fromConfig({ ...aws.config, ...through.dynamodb })

  it('should send the mail whose claim was applied but its answer lost (the claim is its own, not a duplicate)', async () => {
    quiet()
    const me = await someone()
    const event = newEvent({ type: 'user.password_changed', user_id: me.id, payload: {} })
    const mail = mailOf(testServices())
    await plan({ next: ['drop'], only: ['PutItem'] })
    expect(await mail.handle(event, eventMarkers(faultyDb(), aws.table)(event, 'mail'))).toEqual({ duplicate: false, delivered: 1 })
    expect(await mail.handle(event, eventMarkers(aws.db, aws.table)(event, 'mail'))).toEqual({ duplicate: true, delivered: 0 })
  })

  it('should not leave a failed mail’s claim behind when giving it back fails too: a later delivery sends it', async () => {
    quiet()
    const me = await someone()
    const event = newEvent({ type: 'user.password_changed', user_id: me.id, payload: {} })
    // Nothing listens there: the send fails, and DynamoDB fails the claim's release.
    const broken = mailOf(testServices({ SES_ENDPOINT: 'http://127.0.0.1:9' }))
    await down('dynamodb', ['DeleteItem'])
    await expect(broken.handle(event, eventMarkers(faultyDb(), aws.table)(event, 'mail'))).rejects.toThrow()
    await heal('dynamodb')
    // The failed message comes back after the queue's visibility timeout, by when the abandoned claim's lease is
    // over: that delivery takes the claim over and sends (before, the claim stood for 14 days and the mail was lost).
    const mail = mailOf(testServices())
    const later = eventMarkers(aws.db, aws.table, { now: () => Date.now() + (CLAIM_LEASE_SECONDS + 1) * 1000 })
    expect(await mail.handle(event, later(event, 'mail'))).toEqual({ duplicate: false, delivered: 1 })
    expect(await mail.handle(event, later(event, 'mail'))).toEqual({ duplicate: true, delivered: 0 })
    // Which holds only while the lease is shorter than the queues' visibility timeout.
    expect(CLAIM_LEASE_SECONDS).toBeLessThan(Math.min(NOTIFICATIONS_QUEUE.visibilityTimeoutSeconds, SECURITY_QUEUE.visibilityTimeoutSeconds))
  })
})

describe('release alerts under DynamoDB and SNS faults', { timeout: 60_000 }, () => {
  it('should alert each lister once through the faults, and skip nobody once they stop', async () => {
    quiet()
    // A made-up film: only this test's members list it, so the job alerts nobody else.
    const film = { id: madeUpFilm(), title: 'Fault Premiere', release_date: new Date().toISOString().slice(0, 10), genre_ids: [] } as unknown as Movie
    const members = await Promise.all([1, 2].map(() => signUp()))
    const { watchlist } = seedingServices()
    for (const member of members) await watchlist.add({ id: member.id }, film.id)
    const queue = await privateQueue({ subscribed: true, visibilitySeconds: 1, filterPolicy: { type: ['notification.created'] } })
    // An outside channel (after-commit), so each alert also stages `notification.created` for SNS.
    const { channel, deliveries } = recordingChannel('fault-alerts')
    const catalog = { source: 'tmdb' as const, list: async () => ({ page: 1, results: [film], total_pages: 1, total_results: 1 }), genres: async () => [] }
    const run = async (overrides: Record<string, string>) => {
      const ctx = createExecutionContext()
      const services = testServices(overrides, ctx, { channels: [channel] })
      try {
        return await runReleaseAlertsJob({ ...services.releaseAlerts, catalog })
      } finally {
        await waitOnExecutionContext(ctx)
      }
    }
    const faultsServed = async () => Object.entries(await stats('dynamodb')).reduce((sum, [fault, n]) => sum + (fault === 'pass' ? 0 : n), 0)
    const before = await faultsServed()
    await down('sns')
    await plan({ random: { p: 0.3, faults: ['drop', 'error500'], seed: 23 }, only: ['TransactWriteItems', 'BatchGetItem', 'GetItem'] })
    for (let attempt = 0; attempt < 2; attempt++) await run({ ...through.dynamodb, ...through.sns }).catch(() => undefined)
    await heal()
    expect(await faultsServed()).toBeGreaterThan(before)
    await run({})
    await testServices().flushOutbox({ graceMs: 0 })
    expect(await outboxOf(new Set(members.map((m) => m.id)))).toEqual([])
    const services = testServices({ SQS_QUEUE_URL: queue.url }, undefined, { channels: [channel] })
    const mine = (userId: string) => deliveries.filter((d) => d.userId === userId)
    // The events the flush published reach the queue; a failed immediate delivery is made there.
    for (let i = 0; i < 30 && members.some((m) => mine(m.id).length === 0); i++) await drain(queue.url, {}, services)
    await drain(queue.url, {}, services)
    for (const member of members) {
      const alerts = await aws.db.queryAll<{ type: string; movie_id?: number }>(aws.table, {
        keyCondition: 'pk = :pk AND begins_with(sk, :n)',
        values: { ':pk': `USER#${member.id}`, ':n': 'NOTIF#' },
        consistent: true,
      })
      expect(alerts.filter((n) => n.type === 'release' && n.movie_id === film.id), member.id).toHaveLength(1)
      // Delivered once by the channel, whether right after the alert or from the queue once SNS took the event.
      expect(mine(member.id), member.id).toHaveLength(1)
    }
  })
})
