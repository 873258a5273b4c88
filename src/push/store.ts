import { notDeleted, throwIfDeleted } from '../accounts/tombstone'
import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore } from '../data/store'
import { retryOptimistic } from '../shared/conflict-retry'
import { userPk } from '../shared/keys'
import { endpointHash, endpointOwnerKey, PUSHSUB_PREFIX, pushSubSk } from './keys'
import type { SubscriptionTarget } from './sender'

/** At most this many devices per user; a new one replaces the oldest. */
export const MAX_SUBSCRIPTIONS = 10

export type PushSubscriptionItem = SubscriptionTarget & {
  pk: string
  sk: string
  entity: 'push_subscription'
  user_id: string
  created_at: string
  /**
   * The account's token version when the browser subscribed: once the account's sessions end (a reset, a password or
   * email change, "sign out everywhere" bump it), the subscription gets that change's security notice and nothing more.
   * Absent on subscriptions older than the rule.
   */
  token_version?: number
  /** A hash of the session token that registered it (src/push/keys.ts): that session's logout removes it. */
  session?: string
}

/**
 * A user's push subscriptions (one per browser profile that said yes), and for each endpoint the
 * account that owns it now: when another account signs in on that browser and subscribes, the
 * endpoint moves to it, so the first account's notifications stop appearing on that device.
 */
export class PushSubscriptionStore {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
  ) {}

  /** Oldest first. */
  async list(userId: string): Promise<PushSubscriptionItem[]> {
    const items = await this.db.queryAll<PushSubscriptionItem>(this.table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': PUSHSUB_PREFIX },
      consistent: true,
    })
    return items.sort((a, b) => a.created_at.localeCompare(b.created_at))
  }

  /** Stores the subscription; 'known' when the user had this endpoint already (its keys are refreshed). */
  async put(userId: string, target: SubscriptionTarget, now = new Date(), tokenVersion?: number, session?: string): Promise<'created' | 'known'> {
    const hash = await endpointHash(target.endpoint)
    const key = { pk: userPk(userId), sk: pushSubSk(hash) }
    const existing = await this.db.get<PushSubscriptionItem>(this.table, key, { consistent: true })
    const item: PushSubscriptionItem = {
      ...key,
      entity: 'push_subscription',
      user_id: userId,
      endpoint: target.endpoint,
      keys: { p256dh: target.keys.p256dh, auth: target.keys.auth },
      created_at: existing?.created_at ?? now.toISOString(),
      ...(tokenVersion !== undefined ? { token_version: tokenVersion } : {}),
      ...(session !== undefined ? { session } : {}),
    }
    // The owner item moves with the endpoint; the previous owner's copy is dropped below.
    const previous = await this.db.get<{ user_id: string }>(this.table, endpointOwnerKey(hash), { consistent: true })
    // Beside the account's tombstone check, like every write that creates user data: a PUT that authenticated just
    // before the account's deletion cannot leave a PUSHSUB or PUSHEP item behind the erasure (AccountDeleted, 401).
    const writes = [
      { put: { table: this.table, item } },
      { put: { table: this.table, item: { ...endpointOwnerKey(hash), user_id: userId } } },
      await notDeleted(this.table, userId),
    ]
    await retryOptimistic(async () => {
      try {
        await this.db.transactWrite(writes)
        return true
      } catch (error) {
        throwIfDeleted(error, writes.length - 1)
        throw error
      }
    })
    if (previous && previous.user_id !== userId) await this.db.delete(this.table, { pk: userPk(previous.user_id), sk: pushSubSk(hash) })
    if (existing) return 'known'
    await this.trim(userId)
    return 'created'
  }

  /** Keeps the newest MAX_SUBSCRIPTIONS (a concurrent PUT converges: each trims what it sees). */
  private async trim(userId: string): Promise<void> {
    const all = await this.list(userId)
    for (const old of all.slice(0, Math.max(0, all.length - MAX_SUBSCRIPTIONS))) await this.remove(userId, old.endpoint)
  }

  /** Idempotent: removing an unknown endpoint is fine. */
  async remove(userId: string, endpoint: string): Promise<void> {
    const hash = await endpointHash(endpoint)
    await this.db.delete(this.table, { pk: userPk(userId), sk: pushSubSk(hash) })
    // The owner item only when it is still this user's (another account may have taken the endpoint since).
    await this.db
      .delete(this.table, endpointOwnerKey(hash), { condition: 'user_id = :user', values: { ':user': userId } })
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedError)) throw error
      })
  }

  /** The subscriptions a session registered, when it ends (a plain logout). */
  async removeSession(userId: string, session: string): Promise<void> {
    for (const item of await this.list(userId)) if (item.session === session) await this.remove(userId, item.endpoint)
  }

  async eraseUser(userId: string): Promise<void> {
    for (const item of await this.list(userId)) await this.remove(userId, item.endpoint)
  }
}
