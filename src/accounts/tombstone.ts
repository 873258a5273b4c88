import { TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import { retryOptimistic } from '../shared/conflict-retry'
import { AccountDeleted } from '../shared/errors'

/**
 * A deleted account's tombstone: DELETED#<sha256 of the user id> / TOMBSTONE, written before any of the user's items
 * are erased. Writes that create user data (list add, review put) carry a ConditionCheck that the
 * tombstone is absent in their own transaction, so a request that authenticated just before the
 * deletion cannot leave an item behind it: either its write committed before the tombstone (and the
 * erasure, which starts after, sees it) or the write is refused. Its own partition keeps it out of
 * the erasure's reach; it holds nothing but the random user id and expires after 30 days (tokens live 7).
 */
const TOMBSTONE_TTL_SECONDS = 30 * 24 * 3600

/**
 * Keyed by a SHA-256 of the user id, so after deletion no item names the user ("every item of the user
 * is gone"); ids are random UUIDs, so the digest cannot be reversed by guessing.
 */
export async function tombstoneKey(userId: string): Promise<{ pk: string; sk: string }> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`tombstone:${userId}`)))
  return { pk: `DELETED#${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`, sk: 'TOMBSTONE' }
}

export async function writeTombstone(db: DataStore, table: string, userId: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000)
  // UpdateItem (an upsert) rather than PutItem: the worker's IAM policy grants only the operations it already uses.
  await db.update(table, await tombstoneKey(userId), {
    update: 'SET #type = :type, deleted_at = :at, expires_at = :expires',
    names: { '#type': 'type' },
    values: { ':type': 'tombstone', ':at': new Date().toISOString(), ':expires': now + TOMBSTONE_TTL_SECONDS },
    returnValues: 'NONE',
  })
}

/** The transaction item that refuses the write once the user's account is being deleted. */
export const notDeleted = async (table: string, userId: string): Promise<TransactItem> => ({
  conditionCheck: { table, key: await tombstoneKey(userId), condition: 'attribute_not_exists(pk)' },
})


/** Call first in a transaction's catch: 401 when the notDeleted item at `index` failed. */
export function throwIfDeleted(error: unknown, index: number): void {
  if (error instanceof TransactionCanceledError && error.conditionFailedAt(index)) throw new AccountDeleted()
}

/**
 * One write that creates user data, beside the tombstone check in one transaction, transaction conflicts tried again:
 * true when written, false when the write's own condition failed (not an error: an older progress report, an event
 * counted already); AccountDeleted once the account is being deleted.
 */
export async function writeUnlessDeleted(db: DataStore, table: string, userId: string, write: TransactItem): Promise<boolean> {
  const items = [await notDeleted(table, userId), write]
  return retryOptimistic(async () => {
    try {
      await db.transactWrite(items)
      return true
    } catch (error) {
      throwIfDeleted(error, 0)
      if (error instanceof TransactionCanceledError && error.conditionFailedAt(1)) return false
      throw error
    }
  })
}

