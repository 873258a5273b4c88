import { createExecutionContext, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { connectionFromConfig } from '../../../src/aws/client'
import { DynamoDb } from '../../../src/aws/dynamodb'
import { knownError } from '../../../src/http/errors'
import { events, newEvent } from '../../../src/events/schema'
import { announceStreaming } from '../../../src/notifications/release-alerts'
import { createSummary } from '../../../src/watchlist/summary'
import { DigestSubscribers } from '../../../src/mail/digest'
import { api, clientIp, uniqueEmail } from '../../support/harness/accounts'
import { testAws } from '../../support/harness/aws'
import { films } from '../../support/harness/films'
import { testServices } from '../../support/harness/services'

const { config, table } = testAws()

/** Runs `hook` once, just before the transaction that deletes the profile: a request that authenticated before deletion and writes late. */
class LateWriteDynamoDb extends DynamoDb {
  hook?: () => Promise<void>
  override async call<T = unknown>(operation: string, input: Record<string, unknown>): Promise<T> {
    if (operation === 'TransactWriteItems' && this.hook && JSON.stringify(input).includes('"PROFILE"') && JSON.stringify(input).includes('"Delete"')) {
      const hook = this.hook
      this.hook = undefined
      await hook()
    }
    return super.call<T>(operation, input)
  }
}

/** Every item whose keys mention the user (the table scanned with consistent reads; the tombstone is keyed by a digest). */
async function itemsOf(db: DynamoDb, userId: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = []
  let startKey: unknown
  do {
    const page = await db.call<{ Items: Record<string, { S?: string }>[]; LastEvaluatedKey?: unknown }>('Scan', {
      TableName: table,
      ConsistentRead: true,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    })
    for (const item of page.Items) {
      const keys = [item.pk?.S, item.sk?.S, item.gsi1pk?.S, item.gsi1sk?.S].join(' ')
      if (keys.includes(userId)) found.push(item)
    }
    startKey = page.LastEvaluatedKey
  } while (startKey)
  return found
}

/** F10: writes racing an account deletion leave nothing behind it. */
describe('account deletion against concurrent writes (F10)', { timeout: 120_000 }, () => {
  it('should refuse a list add and a review put that land after the erasure, and leave no item of the user', async () => {
    const db = new LateWriteDynamoDb(connectionFromConfig(config, config.DYNAMODB_ENDPOINT))
    const { accounts, watchlist, reviews } = testServices({}, undefined, { db: () => db })
    const [early, late, reviewed] = await films(3, 40)
    const profile = await accounts.signup({ email: uniqueEmail('racer'), password: 'the right password' }, clientIp())
    await watchlist.add(profile, early!.id)

    const outcomes: PromiseSettledResult<unknown>[] = []
    db.hook = async () => {
      outcomes.push(...(await Promise.allSettled([watchlist.add(profile, late!.id), reviews.put(reviewed!.id, profile, { rating: 9, text: 'late' })])))
    }
    await accounts.deleteAccount(profile, 'the right password', clientIp())

    expect(outcomes).toHaveLength(2)
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected')
      expect(knownError((outcome as PromiseRejectedResult).reason)).toMatchObject({ status: 401, code: 'unauthorized' })
    }
    expect(await itemsOf(db, profile.id)).toEqual([])
    const agg = await db.get<{ rating_count?: number }>(table, { pk: `MOVIE#${reviewed!.id}`, sk: 'AGG' }, { consistent: true })
    expect(agg?.rating_count ?? 0).toBe(0)
  })

  it('should erase a review the user index does not show yet (gsi1 lags), found in the user\'s own partition', async () => {
    const db = new DynamoDb(connectionFromConfig(config, config.DYNAMODB_ENDPOINT))
    const { accounts, reviews } = testServices({}, undefined, { db: () => db })
    const [film] = await films(1, 50)
    const profile = await accounts.signup({ email: uniqueEmail('lagging'), password: 'the right password' }, clientIp())
    await reviews.put(film!.id, profile, { rating: 7, text: 'just before deleting' })
    // What an eventually consistent index shows right after the write: not this review.
    await db.update(table, { pk: `MOVIE#${film!.id}`, sk: `REVIEW#${profile.id}` }, { update: 'REMOVE gsi1pk, gsi1sk', returnValues: 'NONE' })
    expect(await reviews.byUser(profile.id)).toEqual([])
    const before = await db.get<{ rating_count?: number }>(table, { pk: `MOVIE#${film!.id}`, sk: 'AGG' }, { consistent: true })

    await accounts.deleteAccount(profile, 'the right password', clientIp())

    expect(await itemsOf(db, profile.id)).toEqual([])
    const after = await db.get<{ rating_count?: number }>(table, { pk: `MOVIE#${film!.id}`, sk: 'AGG' }, { consistent: true })
    expect((after?.rating_count ?? 0) - (before?.rating_count ?? 0)).toBe(-1)
  })

  it('should leave nothing when list adds race DELETE /api/v1/me over HTTP', async () => {
    const email = uniqueEmail('http-racer')
    const signup = await api('/auth/signup', { body: { email, password: 'the right password' } })
    const { token, user } = (await signup.json()) as { token: string; user: { id: string } }
    const candidates = await films(12, 45)
    const deletion = api('/me', { method: 'DELETE', token, body: { current_password: 'the right password' } })
    const adds = candidates.map((film, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 15)).then(() => api(`/me/watchlist/${film.id}`, { method: 'PUT', token })),
    )
    expect((await deletion).status).toBe(204)
    for (const res of await Promise.all(adds)) expect([200, 201, 401]).toContain(res.status)
    const db = new DynamoDb(connectionFromConfig(config, config.DYNAMODB_ENDPOINT))
    expect(await itemsOf(db, user.id)).toEqual([])
  })

  it('should refuse a notification, a release alert, an email token, a list summary and a digest subscription that land after the erasure (reliability 3)', async () => {
    const db = new LateWriteDynamoDb(connectionFromConfig(config, config.DYNAMODB_ENDPOINT))
    const services = testServices({}, undefined, { db: () => db })
    const { accounts, events: queue, releaseAlerts } = services
    const digest = new DigestSubscribers(db, table)
    const [film] = await films(1, 60)
    const profile = await accounts.signup({ email: uniqueEmail('late-writes'), password: 'the right password' }, clientIp())

    const outcomes: Record<string, unknown> = {}
    db.hook = async () => {
      // What the queue consumer, the release-alert cron, a mail send and a list page view do for a user at that moment.
      const event = newEvent(events.passwordChanged(profile.id))
      const notify = queue.handlers['user.password_changed']!.find((handler) => handler.name === 'notifications')!
      outcomes.notification = await notify.handle(event, queue.once(event, notify.name))
      outcomes.release = await announceStreaming({ ...releaseAlerts, audience: { watchersOf: async () => [profile.id] } }, film!.id, new Date())
      outcomes.token = await accounts.tokens.issue(profile.id, 'verify', profile.email).catch((error: unknown) => knownError(error)?.code)
      outcomes.summary = await createSummary(db, table, profile.id).catch((error: unknown) => knownError(error)?.code)
      outcomes.digest = await digest.set(profile.id, true).catch((error: unknown) => knownError(error)?.code)
    }
    await accounts.deleteAccount(profile, 'the right password', clientIp())

    expect(outcomes).toEqual({ notification: { duplicate: true, delivered: 0 }, release: { films: 1, notified: 0, skipped: 1 }, token: 'unauthorized', summary: 'unauthorized', digest: 'unauthorized' })
    expect(await itemsOf(db, profile.id)).toEqual([])
  })

  it('should erase every recommendation item of a deleted account: picks, dismissals, recent views, the weekly gate and the counted likes (reliability 3)', async () => {
    const db = new DynamoDb(connectionFromConfig(config, config.DYNAMODB_ENDPOINT))
    const ctx = createExecutionContext()
    const { accounts, watchlist, recommendations, collaborative } = testServices({}, ctx, { db: () => db })
    const liked = await films(4, 70)
    const profile = await accounts.signup({ email: uniqueEmail('recs-erased'), password: 'the right password' }, clientIp())
    const likesOf = async () => Promise.all(liked.slice(0, 3).map(async (film) => (await db.get<{ likes?: number }>(table, { pk: `RECFILM#${film.id}`, sk: 'CO' }, { consistent: true }))?.likes ?? 0))
    const likesBefore = await likesOf()
    for (const film of liked.slice(0, 3)) await watchlist.add(profile, film.id)
    await collaborative.reconcile(profile.id)
    await recommendations.compute(profile.id)
    await recommendations.dismiss(profile.id, liked[3]!.id)
    recommendations.recordView(profile.id, liked[3]!.id)
    const pick = await recommendations.weeklyPick(profile.id, liked[0]!.id, new Date())
    await db.transactWrite([pick!.gate])
    await waitOnExecutionContext(ctx)
    const kinds = (await itemsOf(db, profile.id)).map((item) => String((item.sk as { S: string }).S).replace(/#.*/, ''))
    expect(kinds).toEqual(expect.arrayContaining(['RECPICKS', 'RECDISMISS', 'RECVIEWS', 'RECWEEKLY', 'RECLIKED']))
    expect(await likesOf()).toEqual(likesBefore.map((n) => n + 1))

    await accounts.deleteAccount(profile, 'the right password', clientIp())
    expect(await itemsOf(db, profile.id)).toEqual([])
    expect(await likesOf()).toEqual(likesBefore)
  })
})
