/**
 * A feature's part in a user's account data: what it adds to the export and how it erases
 * its items. Accounts iterate every registered participant, so a feature that stores data
 * about a user registers one (in src/services.ts) and export and erasure stay complete.
 */
export interface AccountDataParticipant {
  /** For logs and errors. */
  readonly name: string
  /** Export sections this feature fills, e.g. `{ watchlist: [...], genre_follows: [...] }`. */
  export(userId: string): Promise<Record<string, Record<string, unknown>[]>>
  /** Deletes every item of the user this feature owns. Idempotent (an interrupted erasure is run again). */
  erase(userId: string): Promise<void>
}

type Item = Record<string, unknown>

const INTERNAL = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'entity', 'user_id'])

/** An item as the export shows it: no internal keys. */
export const publicFields = (item: Item) => Object.fromEntries(Object.entries(item).filter(([name]) => !INTERNAL.has(name)))

/** Newest first by a timestamp field. */
export const newestFirst = (field: string) => (a: Item, b: Item) => String(b[field] ?? '').localeCompare(String(a[field] ?? ''))
