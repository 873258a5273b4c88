import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { Sns } from '../../src/aws/sns'
import type { Env } from '../../src/config'
import { flushOutbox, OUTBOX_DEAD_PK, OUTBOX_MAX_ATTEMPTS, OUTBOX_SHARDS, outboxKey, type OutboxItem, type TopicClient } from '../../src/events/outbox'
import { events, newEvent, parseEventMessage, type DomainEvent } from '../../src/events/schema'
import { digestEvent, DigestSubscribers, weekOf } from '../../src/mail/digest'
import { clientIp, uniqueEmail } from '../support/harness/accounts'
import { uniqueId } from '../support/harness/aws'
import { aws, drainUntil, privateQueue } from '../support/harness/notifications'
import { testServices } from '../support/harness/services'

/** SNS refuses every connection (nothing listens on port 9). */
const snsDown = { ...(env as unknown as Env), SNS_ENDPOINT: 'http://127.0.0.1:9' }

async function send(bindings: Env, path: string, init: { method: string; token?: string; body?: unknown }): Promise<Response> {
  const ctx = createExecutionContext()
  const headers: Record<string, string> = { 'CF-Connecting-IP': clientIp() }
  if (init.body !== undefined) headers['Content-Type'] = 'application/json'
  if (init.token) headers.Authorization = `Bearer ${init.token}`
  const body = init.body === undefined ? undefined : JSON.stringify(init.body)
  const res = await createWorker().fetch(new Request(`https://example.com/api/v1${path}`, { method: init.method, headers, body }), bindings, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

/** The outbox's items for one user (a Query per shard, as the cron reads them). */
async function outboxOf(userId: string): Promise<DomainEvent[]> {
  const found: DomainEvent[] = []
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const items = await aws.db.queryAll<OutboxItem>(aws.table, { keyCondition: 'pk = :pk', values: { ':pk': `OUTBOX#${shard}` }, consistent: true })
    found.push(...items.map((item) => JSON.parse(item.event) as DomainEvent).filter((event) => event.user_id === userId))
  }
  return found
}

/** Events for `userId` that reach `queueUrl` (received and kept out of other tests' way). */
async function eventsArriving(queueUrl: string, userId: string, count: number): Promise<DomainEvent[]> {
  const events: DomainEvent[] = []
  for (let i = 0; i < 15 && events.length < count; i++) {
    const messages = await aws.sqs.receive(queueUrl, { maxMessages: 10, waitSeconds: 1 })
    for (const message of messages) {
      try {
        const event = parseEventMessage(message.body)
        if (event.user_id === userId) events.push(event)
      } catch {
        // Raw text other tests publish to the shared topic.
      }
    }
  }
  return events
}

/** A film the catalog knows (the bundled catalog in tests). */
async function someFilm(): Promise<number> {
  const res = await send(env as unknown as Env, '/movies/popular', { method: 'GET' })
  return ((await res.json()) as { results: { id: number }[] }).results[0]!.id
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the event outbox', { timeout: 90_000 }, () => {
  it('should answer 201 while SNS refuses, keep the events, and deliver them (and the welcome notification) after healing', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const MOVIE_ID = await someFilm()
    const notifying = await privateQueue({ subscribed: true })
    const watching = await privateQueue({ subscribed: true })

    const signup = await send(snsDown, '/auth/signup', { method: 'POST', body: { email: uniqueEmail('outbox'), password: 'correct horse battery' } })
    expect(signup.status).toBe(201)
    const { token, user } = (await signup.json()) as { token: string; user: { id: string } }
    const add = await send(snsDown, `/me/watchlist/${MOVIE_ID}`, { method: 'PUT', token })
    expect(add.status).toBe(201)

    // SNS refused both deferred publishes: the events wait in the outbox, written with their changes.
    expect((await outboxOf(user.id)).map((e) => e.type).sort()).toEqual(['user.signed_up', 'watchlist.added'])

    // Healed: the cron's flush publishes them (grace 0: the test does not wait a minute) and empties the outbox.
    const report = await testServices().flushOutbox({ graceMs: 0 })
    expect(report.failed).toBe(0)
    expect(await outboxOf(user.id)).toEqual([])
    const arrived = await eventsArriving(watching.url, user.id, 2)
    expect(arrived.map((e) => e.type).sort()).toEqual(['user.signed_up', 'watchlist.added'])
    expect(arrived.find((e) => e.type === 'watchlist.added')?.payload).toEqual({ movie_id: MOVIE_ID })

    const list = await drainUntil(notifying.url, token, (l) => l.some((n) => n.type === 'welcome'))
    expect(list.filter((n) => n.type === 'welcome')).toHaveLength(1)
  })

  it('should keep a password change\'s event while SNS refuses, and deliver its security notification after healing', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const notifying = await privateQueue({ subscribed: true })
    const signup = await send(env as unknown as Env, '/auth/signup', { method: 'POST', body: { email: uniqueEmail('outbox-pw'), password: 'correct horse battery' } })
    const { token, user } = (await signup.json()) as { token: string; user: { id: string } }
    const change = await send(snsDown, '/me', { method: 'PATCH', token, body: { password: 'a brand new secret', current_password: 'correct horse battery' } })
    expect(change.status).toBe(200)
    const { token: fresh } = (await change.json()) as { token: string }
    // Written in the password change's own transaction: the refused publish lost nothing.
    expect((await outboxOf(user.id)).map((e) => e.type)).toEqual(['user.password_changed'])
    expect((await testServices().flushOutbox({ graceMs: 0 })).failed).toBe(0)
    const list = await drainUntil(notifying.url, fresh, (l) => l.some((n) => n.type === 'security'))
    expect(list.filter((n) => n.type === 'security')).toHaveLength(1)
  })

  it('should publish right after the response and leave nothing in the outbox when SNS answers', async () => {
    const MOVIE_ID = await someFilm()
    const watching = await privateQueue({ subscribed: true })
    const signup = await send(env as unknown as Env, '/auth/signup', { method: 'POST', body: { email: uniqueEmail('outbox-ok'), password: 'correct horse battery' } })
    const { token, user } = (await signup.json()) as { token: string; user: { id: string } }
    expect((await send(env as unknown as Env, `/me/watchlist/${MOVIE_ID}`, { method: 'PUT', token })).status).toBe(201)
    expect((await send(env as unknown as Env, `/me/watchlist/${MOVIE_ID}`, { method: 'DELETE', token })).status).toBe(204)
    expect(await outboxOf(user.id)).toEqual([])
    const arrived = await eventsArriving(watching.url, user.id, 3)
    expect(arrived.map((e) => e.type).sort()).toEqual(['user.signed_up', 'watchlist.added', 'watchlist.removed'])
  })

  it('should leave young items to their own publisher: the cron flushes only what is older than a minute', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const signup = await send(snsDown, '/auth/signup', { method: 'POST', body: { email: uniqueEmail('outbox-young'), password: 'correct horse battery' } })
    const { user } = (await signup.json()) as { user: { id: string } }
    await testServices().flushOutbox()
    expect((await outboxOf(user.id)).map((e) => e.type)).toEqual(['user.signed_up'])
    await testServices().flushOutbox({ graceMs: 0 })
    expect(await outboxOf(user.id)).toEqual([])
  })

  it('should record every weekly digest event (its idempotent id) while SNS refuses, and publish it with a later flush', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const watching = await privateQueue({ subscribed: true })
    const subscribers = new DigestSubscribers(aws.db, aws.table)
    const userId = uniqueId('digest-user')
    await subscribers.set(userId, true)
    const now = new Date()
    const report = await testServices({ SNS_ENDPOINT: snsDown.SNS_ENDPOINT }).mail.weeklyDigest(now)
    expect(report).toMatchObject({ queued: report.subscribers, published: 0 })
    const expected = await digestEvent(userId, weekOf(now), now)
    expect(expected.id).toMatch(/^digest-\d{4}-\d{2}-\d{2}-[0-9a-f]{32}$/)
    // Another file's digest run may queue (and publish) this user's digest meanwhile: same id, another occurred_at.
    const ours = async () => (await outboxOf(userId)).filter((event) => event.occurred_at === expected.occurred_at)
    expect(await ours()).toEqual([expected])
    await testServices().flushOutbox({ graceMs: 0 })
    expect(await ours()).toEqual([])
    expect(new Set((await eventsArriving(watching.url, userId, 1)).map((event) => event.id))).toEqual(new Set([expected.id]))
    await subscribers.set(userId, false)
  })
})

describe('a poison outbox item', { timeout: 60_000 }, () => {
  /** A table of this describe's own (keys only): its flushes touch no other test's outbox, and theirs none of its items. */
  let table: string
  beforeAll(async () => {
    table = `${aws.table}-${uniqueId('outbox')}`.slice(0, 200)
    await aws.db.call('CreateTable', {
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    })
  })
  afterAll(() => aws.db.call('DeleteTable', { TableName: table }))

  const outbox = (topic: TopicClient = aws.sns) => ({ db: aws.db, table, topicArn: aws.config.SNS_TOPIC_ARN, topic: () => topic })
  const itemsIn = (pk: string) => aws.db.queryAll<OutboxItem & { attempts?: number; reason?: string }>(table, { keyCondition: 'pk = :pk', values: { ':pk': pk }, consistent: true })
  const itemOf = (event: DomainEvent): OutboxItem => ({ ...outboxKey(event), event: JSON.stringify(event) })
  /** An event of a made-up user that lands in shard `pk`, stamped `at`. */
  function eventIn(pk: string, at: number): DomainEvent {
    for (;;) {
      const event = newEvent(events.signedUp(uniqueId('outbox-user')), new Date(at))
      if (outboxKey(event).pk === pk) return event
    }
  }

  it('should publish the items behind it, count its failures, and after 5 such runs move it to the dead letters with its event and a metric', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const at = Date.now() - 3_600_000
    // SNS refuses it on every try (over 256 KB), and an item that is not an event at all sits beside it.
    const tooLarge = { ...newEvent(events.signedUp(uniqueId('outbox-poison')), new Date(at)), payload: { padding: 'x'.repeat(270_000) } } as unknown as DomainEvent
    const poison = itemOf(tooLarge)
    const corrupt: OutboxItem = { pk: poison.pk, sk: `${new Date(at).toISOString()}#corrupt`, event: '{"type":"user.signed_up",' }
    await aws.db.put(table, poison)
    await aws.db.put(table, corrupt)
    for (let run = 1; run <= OUTBOX_MAX_ATTEMPTS; run++) {
      const behind = itemOf(eventIn(poison.pk, at + run * 1000))
      await aws.db.put(table, behind)
      const report = await flushOutbox(outbox(), { graceMs: 0 })
      expect(report, `run ${run}`).toMatchObject({ published: 1, failed: 1 })
      const left = await itemsIn(poison.pk)
      expect(left.map((item) => item.sk), `run ${run}`).toEqual(run < OUTBOX_MAX_ATTEMPTS ? [poison.sk] : [])
      if (run < OUTBOX_MAX_ATTEMPTS) expect(left[0]!.attempts).toBe(run)
    }
    const dead = await itemsIn(OUTBOX_DEAD_PK)
    // Each keeps its event as it was (compared, not printed: the poison is 270 KB).
    const kept = (item: OutboxItem) => dead.find((letter) => letter.sk === item.sk && letter.event === item.event)
    expect(kept(corrupt)).toMatchObject({ reason: 'unparseable', attempts: 1 })
    expect(kept(poison)).toMatchObject({ reason: 'failing', attempts: OUTBOX_MAX_ATTEMPTS })
    const metrics = warn.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('outbox_dead_letter'))
    expect(metrics.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metric: 'outbox_dead_letter', reason: 'unparseable', item: corrupt.sk }),
        expect.objectContaining({ metric: 'outbox_dead_letter', reason: 'failing', item: poison.sk, type: 'user.signed_up' }),
      ]),
    )
  })

  it('should count no failure while SNS is down (the shard waits), and publish everything once it is back', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const down = Sns.fromConfig({ ...aws.config, SNS_ENDPOINT: 'http://127.0.0.1:9' }, { maxRetries: 0 })
    const at = Date.now() - 3_600_000
    const first = eventIn('OUTBOX#1', at)
    const items = [first, eventIn('OUTBOX#1', at + 1000), eventIn('OUTBOX#1', at + 2000), eventIn('OUTBOX#2', at)].map(itemOf)
    for (const item of items) await aws.db.put(table, item)
    for (let run = 1; run <= OUTBOX_MAX_ATTEMPTS + 1; run++) {
      // Two failures in a row stop shard 1: its third item is not tried.
      expect(await flushOutbox(outbox(down), { graceMs: 0 })).toEqual({ published: 0, failed: 3, dead: 0 })
    }
    const waiting = [...(await itemsIn('OUTBOX#1')), ...(await itemsIn('OUTBOX#2'))]
    expect(waiting.map((item) => item.sk).sort()).toEqual(items.map((item) => item.sk).sort())
    expect(waiting.filter((item) => item.attempts !== undefined)).toEqual([])
    expect(await flushOutbox(outbox(), { graceMs: 0 })).toEqual({ published: 4, failed: 0, dead: 0 })
    expect((await itemsIn(OUTBOX_DEAD_PK)).filter((letter) => items.some((item) => item.sk === letter.sk))).toEqual([])
  })
})
