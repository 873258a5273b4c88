/**
 * Dependency faults, injected by test/support/fault-proxy.ts between the worker and DynamoDB Local.
 * Each mode: a targeted case that fails if retries / idempotency / the outbox were removed, and
 * a seeded concurrent run of the user's operations whose invariants are checked after healing.
 * FAULT_RUNS=n repeats the concurrent runs with n seeds each (bigger runs, not in npm test).
 */
import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DynamoDb } from '../../src/aws/dynamodb'
import { Sns } from '../../src/aws/sns'
import type { Env } from '../../src/config'
import { createOutbox, OUTBOX_SHARDS, type OutboxItem } from '../../src/events/outbox'
import { ReviewService } from '../../src/reviews'
import { movieAggKey, moviePk, REVIEW_PREFIX } from '../../src/reviews/keys'
import { WatchlistService } from '../../src/watchlist'
import type { Fault, FaultPlan } from '../support/fault-plan'
import { clientIp, uniqueEmail } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'
import { drain, drainUntil, privateQueue } from '../support/harness/notifications'
import { testServices } from '../support/harness/services'
import { cursorCodec } from '../../src/shared/cursor'
import { summaryOf } from '../../src/watchlist/summary'

const aws = testAws()
const bindings = env as unknown as Env & { FAULT_DYNAMODB_ENDPOINT: string; FAULT_DYNAMODB_CONTROL: string }
const faulty = { ...bindings, DYNAMODB_ENDPOINT: bindings.FAULT_DYNAMODB_ENDPOINT } as Env
const RUNS = Number((env as unknown as Record<string, string>).FAULT_RUNS ?? 1)

async function plan(faults: FaultPlan): Promise<void> {
  await (await fetch(bindings.FAULT_DYNAMODB_CONTROL, { method: 'POST', body: JSON.stringify(faults) })).text()
}
async function heal(): Promise<void> {
  await (await fetch(`${bindings.FAULT_DYNAMODB_CONTROL}/heal`, { method: 'POST' })).text()
}

/**
 * Work the faulty services deferred (an outbox publish, then its delete through the proxy): waited for after each
 * test, or it would reach the proxy during the next test and take the faults that test planned for itself.
 */
const deferred: Promise<unknown>[] = []
const defer = (work: Promise<unknown>) => void deferred.push(work.catch(() => undefined))

afterEach(async () => {
  await Promise.all(deferred.splice(0))
  await heal()
  vi.restoreAllMocks()
})

/** Services over the faulty DynamoDB for made-up films (their aggregates are this test's alone). */
function faultyServices() {
  const db = DynamoDb.fromConfig({ ...aws.config, DYNAMODB_ENDPOINT: bindings.FAULT_DYNAMODB_ENDPOINT })
  const film = (id: number) => ({ id, title: `Film ${id}`, genre_ids: [] }) as never
  const catalog = { details: async (id: number) => film(id), many: async (ids: number[]) => ids.map(film) }
  const outbox = createOutbox({ db, table: aws.table, topicArn: aws.config.SNS_TOPIC_ARN, topic: () => Sns.fromConfig(aws.config), defer })
  const cursors = cursorCodec('fault suite: a test-only cursor secret')
  return {
    reviews: new ReviewService({ db, table: aws.table, catalog, outbox, cursors }),
    watchlist: new WatchlistService({ db, table: aws.table, catalog, outbox, cursors, defer }),
  }
}
const madeUpFilm = () => 900_000_000 + Math.floor(Math.random() * 90_000_000)

async function aggregateMatches(movieId: number): Promise<void> {
  const reviews = await aws.db.queryAll<{ rating: number }>(aws.table, {
    keyCondition: 'pk = :pk AND begins_with(sk, :r)',
    values: { ':pk': moviePk(movieId), ':r': REVIEW_PREFIX },
    consistent: true,
  })
  const agg = await aws.db.get<{ rating_sum?: number; rating_count?: number }>(aws.table, movieAggKey(movieId), { consistent: true })
  expect({ count: agg?.rating_count ?? 0, sum: agg?.rating_sum ?? 0 }, `film ${movieId}`).toEqual({
    count: reviews.length,
    sum: reviews.reduce((total, r) => total + r.rating, 0),
  })
}

async function outboxOf(userIds: Set<string>): Promise<string[]> {
  const left: string[] = []
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const items = await aws.db.queryAll<OutboxItem>(aws.table, { keyCondition: 'pk = :pk', values: { ':pk': `OUTBOX#${shard}` }, consistent: true })
    for (const item of items) {
      const event = JSON.parse(item.event) as { user_id: string; type: string }
      if (userIds.has(event.user_id)) left.push(event.type)
    }
  }
  return left
}

async function call(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Response> {
  const ctx = createExecutionContext()
  const headers: Record<string, string> = { 'CF-Connecting-IP': clientIp() }
  if (init.body !== undefined) headers['Content-Type'] = 'application/json'
  if (init.token) headers.Authorization = `Bearer ${init.token}`
  const request = new Request(`https://example.com/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const res = await createWorker().fetch(request, faulty, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('targeted faults: what retries, idempotency and the outbox are for', { timeout: 60_000 }, () => {
  const quiet = () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
  }

  for (const fault of ['throughput', 'throttling', 'error500', 'refuse'] as Fault[]) {
    it(`should sign up through ${String(fault)} on the first attempts (retries)`, async () => {
      quiet()
      await plan({ next: [fault, fault] })
      const res = await call('/auth/signup', { body: { email: uniqueEmail('fault'), password: 'correct horse battery' } })
      expect(res.status).toBe(201)
    })
  }

  it('should answer 503 upstream_unavailable with Retry-After when throttling outlasts the retries', async () => {
    quiet()
    await plan({ next: Array<Fault>(12).fill('throughput') })
    const res = await call('/auth/signup', { body: { email: uniqueEmail('fault'), password: 'correct horse battery' } })
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toBe('5')
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable')
  })

  it('should not hang on a blackholed connection: the attempt times out and the retry succeeds', async () => {
    quiet()
    await plan({ next: ['blackhole'] })
    const res = await call('/auth/signup', { body: { email: uniqueEmail('fault'), password: 'correct horse battery' } })
    expect(res.status).toBe(201)
  })

  it('should count a review once when its answer is lost mid-body and the write is retried (idempotency)', async () => {
    quiet()
    const { reviews } = faultyServices()
    const movieId = madeUpFilm()
    const user = { id: `fault-${crypto.randomUUID()}`, display_name: 'Faulty' }
    // GetItem (existing review) passes; the TransactWriteItems is applied, its answer cut off.
    await plan({ next: ['pass', 'drop'] })
    const result = await reviews.put(movieId, user, { rating: 8 })
    expect(result.review.rating).toBe(8)
    await aggregateMatches(movieId)
  })

  it('should answer an add whose answer was lost as the add that listed the film (201), not as already listed', async () => {
    quiet()
    const { watchlist } = faultyServices()
    const userId = `fault-${crypto.randomUUID()}`
    await summaryOf(aws.db, aws.table, userId, true)
    // The add's transaction is applied, its answer cut off; the retry is the same transaction (client request token).
    await plan({ next: ['drop'] })
    expect((await watchlist.add({ id: userId }, madeUpFilm())).created).toBe(true)
  })

  it('should keep the event of an add that was applied but never acknowledged in the outbox, so it is still published (outbox)', async () => {
    quiet()
    const { watchlist } = faultyServices()
    const userId = `fault-${crypto.randomUUID()}`
    // The list's summary exists (as after any earlier add), so the next request is the add's own transaction.
    await summaryOf(aws.db, aws.table, userId, true)
    // The add's transaction (entry + outbox item) is applied, its answer cut off, and every retry fails: the caller
    // hears of a failure, nothing publishes the event after the response, yet the film is listed.
    await plan({ next: ['drop', 'error500', 'error500', 'error500'] })
    await expect(watchlist.add({ id: userId }, madeUpFilm())).rejects.toThrow()
    expect(await outboxOf(new Set([userId]))).toEqual(['watchlist.added'])
    await testServices().flushOutbox({ graceMs: 0 })
    expect(await outboxOf(new Set([userId]))).toEqual([])
  })
})

/** Seeded concurrent runs: every operation of a few users at once, under one fault mode each. */
const MODES: { name: string; faults: Fault[]; p: number; seed: number }[] = [
  { name: 'throttling (ProvisionedThroughputExceeded / Throttling)', faults: ['throughput', 'throttling'], p: 0.25, seed: 7 },
  { name: '500 InternalServerError', faults: ['error500'], p: 0.2, seed: 11 },
  { name: 'refused connections', faults: ['refuse'], p: 0.2, seed: 13 },
  { name: 'delays', faults: [{ delayMs: 200 }], p: 0.3, seed: 17 },
  { name: 'answers dropped mid-body', faults: ['drop'], p: 0.1, seed: 19 },
]

interface Outcome {
  statuses: { op: string; status: number; retryAfter: string | null }[]
  users: { id: string; email: string; password: string; token: string; listed: number[]; unlisted: number[]; reviewed: Map<number, number>; deleted: boolean; deleting: boolean }[]
}

async function userJourney(films: number[], index: number, outcome: Outcome): Promise<void> {
  const record = (op: string, res: Response) => outcome.statuses.push({ op, status: res.status, retryAfter: res.headers.get('Retry-After') })
  const email = uniqueEmail(`journey${index}`)
  const password = 'correct horse battery'
  const signup = await call('/auth/signup', { body: { email, password } })
  record('signup', signup)
  if (signup.status !== 201) return
  const { token, user } = (await signup.json()) as { token: string; user: { id: string } }
  const me = { id: user.id, email, password, token, listed: [] as number[], unlisted: [] as number[], reviewed: new Map<number, number>(), deleted: false, deleting: false }
  outcome.users.push(me)
  const [a, b] = [films[index % films.length]!, films[(index + 1) % films.length]!]
  const login = await call('/auth/login', { body: { email, password } })
  record('login', login)
  const add = await call(`/me/watchlist/${a}`, { method: 'PUT', token })
  record('watchlist add', add)
  if (add.ok) me.listed.push(a)
  const addB = await call(`/me/watchlist/${b}`, { method: 'PUT', token })
  record('watchlist add', addB)
  if (addB.ok) {
    const remove = await call(`/me/watchlist/${b}`, { method: 'DELETE', token })
    record('watchlist remove', remove)
    // A 503 says nothing about whether the change happened: only acknowledged states are checked.
    if (remove.ok) me.unlisted.push(b)
  }
  const rating = 1 + (index % 10)
  const put = await call(`/movies/${a}/reviews`, { method: 'PUT', token, body: { rating } })
  record('review put', put)
  if (put.ok) me.reviewed.set(a, rating)
  const putB = await call(`/movies/${b}/reviews`, { method: 'PUT', token, body: { rating } })
  record('review put', putB)
  if (putB.ok) {
    const del = await call(`/movies/${b}/reviews`, { method: 'DELETE', token })
    record('review delete', del)
  }
  if (index % 3 === 2) {
    me.deleting = true
    const gone = await call('/me', { method: 'DELETE', token, body: { current_password: password } })
    record('account delete', gone)
    if (gone.status === 204) me.deleted = true
  }
}

describe('concurrent operations under injected faults, then healed', { timeout: 180_000 }, () => {
  for (const mode of MODES) {
    it(`should never 500, lose an acknowledged write or half-write under ${mode.name}`, async () => {
      vi.spyOn(console, 'warn').mockImplementation(() => {})
      vi.spyOn(console, 'error').mockImplementation(() => {})
      vi.spyOn(console, 'log').mockImplementation(() => {})
      const popular = (await (await call('/movies/top_rated')).json()) as { results: { id: number }[] }
      const films = popular.results.slice(12, 15).map((m) => m.id)
      for (let run = 0; run < RUNS; run++) {
        const outcome: Outcome = { statuses: [], users: [] }
        // A message whose handling failed under the faults is back on the queue 2 s later (not 60), so the healed
        // drains below see it; 10 receives before the DLQ, more than a faulted run can use up.
        const queue = await privateQueue({ subscribed: true, visibilitySeconds: 2, maxReceiveCount: 10 })
        await plan({ random: { p: mode.p, faults: mode.faults, seed: mode.seed + run } })
        await Promise.all(Array.from({ length: 6 }, (_, i) => userJourney(films, i, outcome)))
        // Notification delivery under the same faults (handlers and their markers write through the proxy).
        await drain(queue.url, {}, testServices({ SQS_QUEUE_URL: queue.url, DYNAMODB_ENDPOINT: bindings.FAULT_DYNAMODB_ENDPOINT })).catch(() => undefined)
        await heal()
        const tally: Record<string, Record<string, number>> = {}
        for (const { op, status } of outcome.statuses) {
          const bucket = status >= 500 ? String(status) : `${Math.floor(status / 100)}xx`
          tally[op] = { ...tally[op], [bucket]: (tally[op]?.[bucket] ?? 0) + 1 }
        }
        console.info(`fault mode "${mode.name}" seed ${mode.seed + run}: ${JSON.stringify(tally)}`)

        // No 500: success, a client error, or 503 with Retry-After.
        const bad = outcome.statuses.filter((s) => s.status >= 500 && !(s.status === 503 && s.retryAfter))
        expect(bad).toEqual([])
        // Notification delivery after healing: the outbox is flushed, the queue drained; nothing is left behind.
        const healed = testServices()
        await healed.flushOutbox({ graceMs: 0 })
        expect(await outboxOf(new Set(outcome.users.map((u) => u.id)))).toEqual([])
        for (let i = 0; i < 3; i++) await drain(queue.url, {}, testServices({ SQS_QUEUE_URL: queue.url }))
        // A sign-up's event received during the faulted drain and failed there comes back after the visibility timeout.
        for (const user of outcome.users) {
          if (!user.deleted && !user.deleting) await drainUntil(queue.url, user.token, (list) => list.some((n) => n.type === 'welcome'))
        }
        for (const user of outcome.users) {
          if (user.deleted) {
            expect(await aws.db.get(aws.table, { pk: `USER#${user.id}`, sk: 'PROFILE' }, { consistent: true })).toBeUndefined()
            continue
          }
          // An erasure that answered 503 may have gone part-way (it resumes when asked again): nothing to hold it to.
          if (user.deleting) continue
          // Every acknowledged write is there.
          const list = await call('/me/watchlist', { token: user.token })
          expect(list.status).toBe(200)
          const ids = ((await list.json()) as { results: { id: number }[] }).results.map((e) => e.id)
          for (const id of user.listed) expect(ids).toContain(id)
          for (const id of user.unlisted) expect(ids).not.toContain(id)
          for (const [movieId, rating] of user.reviewed) {
            const review = await aws.db.get<{ rating: number }>(aws.table, { pk: moviePk(movieId), sk: `${REVIEW_PREFIX}${user.id}` }, { consistent: true })
            expect(review?.rating, `review of ${movieId}`).toBe(rating)
          }
          expect((await call('/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(200)
          // Every acknowledged sign-up is welcomed exactly once, however often its event was published or received.
          const inbox = await call('/me/notifications', { token: user.token })
          const welcomes = ((await inbox.json()) as { results: { type: string }[] }).results.filter((n) => n.type === 'welcome')
          expect(welcomes, `welcome for ${user.id}`).toHaveLength(1)
        }
        // Nothing half-written: each film's aggregate equals the reviews it counts.
        for (const movieId of films) await aggregateMatches(movieId)
        // Recovery: readiness through the (healed) proxy.
        let ready = 0
        for (let i = 0; i < 20 && ready !== 200; i++) {
          const ctx = createExecutionContext()
          ready = (await createWorker().fetch(new Request('https://example.com/healthz'), faulty, ctx)).status
          await waitOnExecutionContext(ctx)
          if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 250))
        }
        expect(ready).toBe(200)
      }
    })
  }
})

