import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Env } from '../../src/config'
import { OUTBOX_SHARDS, type OutboxItem } from '../../src/events/outbox'
import { parseEventMessage, type DomainEvent } from '../../src/events/schema'
import { clientIp, uniqueEmail } from '../support/harness/accounts'
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
})
