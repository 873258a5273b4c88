import { describe, expect, it } from 'vitest'
import { connectionFromConfig } from '../../src/aws/client'
import { DynamoDb } from '../../src/aws/dynamodb'
import { events, newEvent } from '../../src/events/schema'
import { knownError } from '../../src/http/errors'
import { PushSubscriptionStore } from '../../src/push'
import { fromBase64Url, toBase64Url } from '../../src/push/bytes'
import { endpointHash } from '../../src/push/keys'
import type { Services } from '../../src/services'
import { clientIp, signUp, uniqueEmail, type ErrorJson } from '../support/harness/accounts'
import { aws, store } from '../support/harness/notifications'
import { browserSubscription, inboxOf, pushApi, pushServices } from '../support/harness/push'
import { testServices } from '../support/harness/services'

/** The third audit's I6, "Push robustness": keys off the curve, push off at subscribe time, and account deletion races. */

/** The browser's key with its last byte changed: still 65 bytes starting 0x04, but (all but certainly) not on P-256. */
const offCurve = (p256dh: string) => {
  const bytes = fromBase64Url(p256dh)
  bytes[64] = bytes[64]! ^ 1
  return toBase64Url(bytes)
}

/** A security notice stored for the user and the event announcing it (what the notification handler stages). */
async function storedNotice(userId: string) {
  const item = await store.build(userId, { type: 'security', template: 'security.password_changed', params: {} })
  await aws.db.put(aws.table, item)
  return newEvent(events.notificationCreated(userId, item.id))
}

const deliverPush = async (services: Services, userId: string) =>
  services.events.handlers['notification.created']![0]!.handle(await storedNotice(userId), services.events.once(newEvent(events.signedUp(userId)), 'push'))

const pushPrefOf = async (token: string) => ((await (await pushApi('/me', { token })).json()) as { notifications: { push?: boolean } }).notifications

/** Runs `hook` once, just before the transaction that deletes the profile (as test/app/security/deletion-race.test.ts). */
class LateWriteDynamoDb extends DynamoDb {
  hook?: () => Promise<void>
  override async call<T = unknown>(operation: string, input: Record<string, unknown>): Promise<T> {
    const text = operation === 'TransactWriteItems' && this.hook ? JSON.stringify(input) : ''
    if (text.includes('"PROFILE"') && text.includes('"Delete"')) {
      const hook = this.hook!
      this.hook = undefined
      await hook()
    }
    return super.call<T>(operation, input)
  }
}

describe('Web Push robustness (audit 3, I6)', { timeout: 60_000 }, () => {
  it('should answer a p256dh that is not a point on P-256 with 422, at subscribe time', async () => {
    const user = await signUp()
    const good = await browserSubscription()
    for (const p256dh of [offCurve(good.keys.p256dh), toBase64Url(new Uint8Array([4, ...new Array(64).fill(0)]))]) {
      const res = await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: { ...good, keys: { ...good.keys, p256dh } } })
      expect(res.status).toBe(422)
      const error = ((await res.json()) as ErrorJson).error
      expect(error.code).toBe('validation_failed')
      expect(error.details?.map((d) => d.path)).toEqual(['keys.p256dh'])
    }
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: good })).status).toBe(201)
  })

  it('should drop a stored subscription whose key is off the curve and still deliver to the others', async () => {
    const user = await signUp()
    expect((await pushApi('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: true, recommendation: true, push: true } } })).status).toBe(200)
    const good = await browserSubscription()
    const broken = await browserSubscription()
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: good })).status).toBe(201)
    // Stored before the curve check (seeded: the API refuses it now).
    await new PushSubscriptionStore(aws.db, aws.table).put(user.user.id, { ...broken, keys: { ...broken.keys, p256dh: offCurve(broken.keys.p256dh) } })
    const { services } = pushServices()
    // It used to throw on every event of this user (each went to the DLQ after 5 receives).
    expect(await deliverPush(services, user.user.id)).toMatchObject({ delivered: 1 })
    expect((await inboxOf(good)).messages).toHaveLength(1)
    expect((await inboxOf(broken)).attempts).toBe(0)
    const left = ((await (await pushApi('/me/export', { token: user.token })).json()) as { push_subscriptions: { endpoint: string }[] }).push_subscriptions
    expect(left.map((s) => s.endpoint)).toEqual([good.endpoint])
  })

  it('should turn notifications.push on when a browser subscribes with it off, and leave the other switches as they were', async () => {
    const user = await signUp()
    expect((await pushApi('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: false, recommendation: true, digest_email: false, push: false } } })).status).toBe(200)
    const sub = await browserSubscription()
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: sub })).status).toBe(201)
    expect(await pushPrefOf(user.token)).toMatchObject({ release: false, recommendation: true, digest_email: false, push: true })
    // The contract's "notifications are then also delivered as Web Push".
    expect(await deliverPush(pushServices().services, user.user.id)).toMatchObject({ delivered: 1 })
    // Turning push off stays a PATCH: the subscription is kept and gets nothing.
    expect((await pushApi('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: false, recommendation: true, push: false } } })).status).toBe(200)
    expect(await deliverPush(pushServices().services, user.user.id)).toMatchObject({ delivered: 0 })
    expect((await inboxOf(sub)).messages).toHaveLength(1)
  })

  it('should refuse a subscription that lands after the account erasure, leaving no PUSHSUB or PUSHEP item', async () => {
    const db = new LateWriteDynamoDb(connectionFromConfig(aws.config, aws.config.DYNAMODB_ENDPOINT))
    const { accounts, push } = testServices({}, undefined, { db: () => db })
    const profile = await accounts.signup({ email: uniqueEmail('push-racer'), password: 'the right password' }, clientIp())
    const sub = await browserSubscription()
    const outcomes: PromiseSettledResult<unknown>[] = []
    db.hook = async () => {
      outcomes.push(...(await Promise.allSettled([push.subscribe(profile.id, sub, profile.token_version)])))
    }
    await accounts.deleteAccount(profile, 'the right password', clientIp())

    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]!.status).toBe('rejected')
    expect(knownError((outcomes[0] as PromiseRejectedResult).reason)).toMatchObject({ status: 401, code: 'unauthorized' })
    const mine = await db.queryAll(aws.table, { keyCondition: 'pk = :pk', values: { ':pk': `USER#${profile.id}` }, consistent: true })
    expect(mine).toEqual([])
    const owner = await db.get(aws.table, { pk: `PUSHEP#${await endpointHash(sub.endpoint)}`, sk: 'OWNER' }, { consistent: true })
    expect(owner).toBeUndefined()
  })
})
