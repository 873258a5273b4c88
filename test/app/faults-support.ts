/**
 * What the fault suites share (test/app/faults*.test.ts): fault proxies (test/support/fault-proxy.ts) in front of
 * DynamoDB Local, SNS and SQS, the app's config pointed at all three, and the checks of what survived. Each file
 * starts proxies of its own (`useFaultProxies`): two fault files running side by side must not take each other's
 * planned faults, nor one's random faults land in the other's requests.
 */
import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest'
import { DynamoDb } from '../../src/aws/dynamodb'
import { Sns } from '../../src/aws/sns'
import type { Env } from '../../src/config'
import { createOutbox, OUTBOX_SHARDS, type OutboxItem } from '../../src/events/outbox'
import { ReviewService } from '../../src/reviews'
import { movieAggKey, moviePk, REVIEW_PREFIX } from '../../src/reviews/keys'
import { cursorCodec } from '../../src/shared/cursor'
import { WatchlistService } from '../../src/watchlist'
import type { FaultPlan } from '../support/fault-plan'
import { clientIp } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'

export const aws = testAws()
export const RUNS = Number((env as unknown as Record<string, string>).FAULT_RUNS ?? 1)

type Service = 'dynamodb' | 'sns' | 'sqs'
interface FaultProxy {
  url: string
  controlUrl: string
  stop(): Promise<void>
}
/** test/support/fault-proxy.ts is Node's (node:http) and test/app is type-checked against the Workers types: loaded at run time. */
const load = (specifier: string) => import(/* @vite-ignore */ specifier) as Promise<{ startFaultProxy(target: string): Promise<FaultProxy> }>
const startFaultProxy = async (target: string) => (await load('../support/fault-proxy.ts')).startFaultProxy(target)
const proxies = new Map<Service, FaultProxy>()

/** Where the app reaches each service through its proxy (config overrides for testServices); set by useFaultProxies. */
export const through = { dynamodb: { DYNAMODB_ENDPOINT: '' }, sns: { SNS_ENDPOINT: '' }, sqs: { SQS_ENDPOINT: '' } }
/** The worker's env with every service behind its proxy. */
export const faulty = { ...(env as unknown as Env) }

/**
 * The file's proxies, started before its tests and stopped after them; after each test its services' deferred work
 * is waited for, every proxy healed and console spies removed.
 */
export function useFaultProxies(): void {
  beforeAll(async () => {
    const targets: Record<Service, string> = { dynamodb: aws.config.DYNAMODB_ENDPOINT!, sns: aws.config.SNS_ENDPOINT!, sqs: aws.config.SQS_ENDPOINT! }
    for (const [service, target] of Object.entries(targets) as [Service, string][]) proxies.set(service, await startFaultProxy(target))
    through.dynamodb.DYNAMODB_ENDPOINT = proxies.get('dynamodb')!.url
    through.sns.SNS_ENDPOINT = proxies.get('sns')!.url
    through.sqs.SQS_ENDPOINT = proxies.get('sqs')!.url
    Object.assign(faulty, through.dynamodb, through.sns, through.sqs)
  })
  afterEach(async () => {
    await Promise.all(deferred.splice(0))
    await heal()
    vi.restoreAllMocks()
  })
  afterAll(async () => {
    await Promise.all([...proxies.values()].map((proxy) => proxy.stop()))
    proxies.clear()
  })
}

const controlOf = (service: Service) => proxies.get(service)!.controlUrl

/** Faults for one service's next requests (the other services' proxies keep their own plans). */
export async function plan(faults: FaultPlan, service: Service = 'dynamodb'): Promise<void> {
  await (await fetch(controlOf(service), { method: 'POST', body: JSON.stringify(faults) })).text()
}
/** The service is down until healed: every request (of `only`'s operations) fails. */
export const down = (service: Service, only?: string[]) => plan({ random: { p: 1, faults: ['error500'], seed: 1 }, ...(only ? { only } : {}) }, service)
export async function heal(...services: Service[]): Promise<void> {
  for (const service of services.length ? services : [...proxies.keys()]) await (await fetch(`${controlOf(service)}/heal`, { method: 'POST' })).text()
}
/** How often each fault was served since the file's proxies started. */
export async function stats(service: Service): Promise<Record<string, number>> {
  return (await fetch(`${controlOf(service)}/stats`)).json() as Promise<Record<string, number>>
}

/**
 * Work the faulty services deferred (an outbox publish, then its delete through the proxy): waited for after each
 * test, or it would reach the proxy during the next test and take the faults that test planned for itself.
 */
const deferred: Promise<unknown>[] = []
export const defer = (work: Promise<unknown>) => void deferred.push(work.catch(() => undefined))

/** Faults are expected: their warnings would bury the report. */
export function quiet(): void {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
}

/** Services over the faulty DynamoDB and SNS for made-up films (their aggregates are this test's alone). */
export function faultyServices() {
  const db = DynamoDb.fromConfig({ ...aws.config, ...through.dynamodb })
  const film = (id: number) => ({ id, title: `Film ${id}`, genre_ids: [] }) as never
  const catalog = { details: async (id: number) => film(id), many: async (ids: number[]) => ids.map(film) }
  const topic = () => Sns.fromConfig({ ...aws.config, ...through.sns })
  const outbox = createOutbox({ db, table: aws.table, topicArn: aws.config.SNS_TOPIC_ARN, topic, defer })
  const cursors = cursorCodec('fault suite: a test-only cursor secret')
  return {
    db,
    reviews: new ReviewService({ db, table: aws.table, catalog, outbox, cursors }),
    watchlist: new WatchlistService({ db, table: aws.table, catalog, outbox, cursors, defer }),
  }
}
export const madeUpFilm = () => 900_000_000 + Math.floor(Math.random() * 90_000_000)

/** Nothing half-written: the film's aggregate counts exactly the reviews stored. */
export async function aggregateMatches(movieId: number): Promise<void> {
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

/** The types of the events of these users still waiting in the outbox. */
export async function outboxOf(userIds: Set<string>): Promise<string[]> {
  const left: string[] = []
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const items = await aws.db.queryAll<OutboxItem>(aws.table, { keyCondition: 'pk = :pk', values: { ':pk': `OUTBOX#${shard}` }, consistent: true })
    for (const item of items) {
      const event = JSON.parse(item.event) as { user_id: string; type: string }
      if (userIds.has(event.user_id)) left.push(event.type)
    }
  }
  return left.sort()
}

/** Every item anywhere in the table that mentions one of `needles` (a user id, an address): one consistent Scan. */
export async function itemsMentioning(needles: string[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = []
  let startKey: unknown
  do {
    const page = await aws.db.call<{ Items: Record<string, unknown>[]; LastEvaluatedKey?: unknown }>('Scan', {
      TableName: aws.table,
      ConsistentRead: true,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    })
    for (const item of page.Items) {
      const text = JSON.stringify(item)
      if (needles.some((needle) => text.includes(needle))) found.push(item)
    }
    startKey = page.LastEvaluatedKey
  } while (startKey)
  return found
}

/** One API request to the worker over the faulty services, its deferred work (outbox publishes) included. */
export async function call(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Response> {
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

/** Readiness through the (healed) proxies: the app recovers by itself. */
export async function readyAgain(): Promise<number> {
  let ready = 0
  for (let i = 0; i < 20 && ready !== 200; i++) {
    const ctx = createExecutionContext()
    ready = (await createWorker().fetch(new Request('https://example.com/healthz'), faulty, ctx)).status
    await waitOnExecutionContext(ctx)
    if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return ready
}
