import type { DataStore, Key, TransactItem } from '../data/store'

/**
 * Where the version of a user's stored picks is mirrored: an item every signed-in request reads anyway (the
 * profile, in the session's one BatchGetItem), so an isolate that already holds the picks of that version needs no
 * DynamoDB call of its own to know they are current. Every write that changes the picks item (a computation, a
 * dismissal or its undo) sets a new random version on both items in one transaction: a reader that sees the
 * profile's version and then reads the picks item gets that version or a newer one, never an older one.
 */
export interface PicksVersionSlot {
  /** The version mirrored now (consistent); undefined when none was written yet (picks from before versions). */
  read(userId: string): Promise<string | undefined>
  /** The transaction item that mirrors `version`; fails its condition when the item (the account) is gone. */
  write(userId: string, version: string): TransactItem
}

/** The profile's attribute (additive: only this feature reads or writes it; not part of any API answer). */
export const VERSION_ATTRIBUTE = 'recs_version'

/** The slot on another feature's item (the composition root passes the profile's key). */
export function versionSlot(db: DataStore, table: string, keyOf: (userId: string) => Key): PicksVersionSlot {
  const names = { '#v': VERSION_ATTRIBUTE }
  return {
    async read(userId) {
      // Answered from the session's prefetched batch when the request has one (src/data/prefetch.ts): no round trip.
      const item = await db.get<{ recs_version?: unknown }>(table, keyOf(userId), { consistent: true, projection: '#v', names })
      return typeof item?.recs_version === 'string' ? item.recs_version : undefined
    },
    write: (userId, version) => ({
      update: { table, key: keyOf(userId), update: 'SET #v = :v', condition: 'attribute_exists(pk)', names, values: { ':v': version } },
    }),
  }
}

export const newVersion = (): string => crypto.randomUUID()
