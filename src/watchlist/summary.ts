import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import { writeUnlessDeleted } from '../accounts/tombstone'
import { userPk } from '../shared/keys'
import { LIST_SUMMARY_SK, WATCHLIST_MAX, WATCH_PREFIX, listTimelinePk, listTimelineSk, type ListSummaryItem, type WatchItem } from './keys'

/**
 * USER#<id> / WATCHLIST: how many films the list holds and which (a map of id → true). Every add
 * and remove changes it in the same transaction as the entry, so the 1,000 cap holds under
 * concurrent adds (the add's condition is `count < 1000`) and a card's "listed" marker needs
 * one GetItem, however long the list.
 */
export const summaryKey = (userId: string) => ({ pk: userPk(userId), sk: LIST_SUMMARY_SK })

/** The add's part: fails its condition when the list is full, or when the summary does not exist yet. */
export function summaryAdd(table: string, userId: string, movieId: number): TransactItem {
  return {
    update: {
      table,
      key: summaryKey(userId),
      update: 'ADD #count :one, #version :one SET #ids.#movie = :true, #changed = :now, #last = :id',
      condition: 'attribute_exists(pk) AND #count < :max',
      names: { '#count': 'count', '#version': 'version', '#changed': 'changed_at', '#ids': 'ids', '#movie': String(movieId), '#last': 'last_added' },
      values: { ':one': 1, ':true': true, ':max': WATCHLIST_MAX, ':now': Date.now(), ':id': movieId },
    },
  }
}

/** The remove's part (the caller leaves it out when the summary does not exist yet). */
export function summaryRemove(table: string, userId: string, movieId: number): TransactItem {
  return {
    update: {
      table,
      key: summaryKey(userId),
      update: 'ADD #count :minus, #version :one SET #changed = :now REMOVE #ids.#movie',
      condition: 'attribute_exists(pk)',
      names: { '#count': 'count', '#version': 'version', '#changed': 'changed_at', '#ids': 'ids', '#movie': String(movieId) },
      values: { ':minus': -1, ':one': 1, ':now': Date.now() },
    },
  }
}

export async function readSummary(db: DataStore, table: string, userId: string, consistent = false): Promise<ListSummaryItem | undefined> {
  return db.get<ListSummaryItem>(table, summaryKey(userId), { consistent })
}

/**
 * Creates the summary of a list that has none: a new user's, or one written before summaries
 * existed. Those older entries also get their gsi2 keys, so they show in the time-ordered list.
 * Runs once per user (the put is conditional: a concurrent run's summary wins).
 */
export async function createSummary(db: DataStore, table: string, userId: string): Promise<ListSummaryItem> {
  const entries = await db.queryAll<WatchItem>(table, {
    keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
    values: { ':pk': userPk(userId), ':prefix': WATCH_PREFIX },
    consistent: true,
  })
  await Promise.all(
    entries
      .filter((entry) => entry.gsi2pk === undefined)
      .map((entry) =>
        db
          .update(table, { pk: entry.pk, sk: entry.sk }, {
            update: 'SET gsi2pk = :gpk, gsi2sk = :gsk',
            condition: 'added_at = :added',
            values: { ':gpk': listTimelinePk(userId), ':gsk': listTimelineSk(entry.added_at, entry.movie_id), ':added': entry.added_at },
            returnValues: 'NONE',
          })
          .catch((error: unknown) => {
            // Removed (or removed and re-added with the keys) meanwhile.
            if (!(error instanceof ConditionalCheckFailedError)) throw error
          }),
      ),
  )
  const summary: ListSummaryItem = {
    ...summaryKey(userId),
    count: entries.length,
    ids: Object.fromEntries(entries.map((entry) => [String(entry.movie_id), true as const])),
  }
  // Beside the tombstone check: a page view that authenticated just before the account's deletion must not leave a
  // summary behind its erasure (AccountDeleted instead).
  if (await writeUnlessDeleted(db, table, userId, { put: { table, item: { ...summary }, condition: 'attribute_not_exists(pk)' } })) return summary
  return (await readSummary(db, table, userId, true)) ?? summary
}

/** The summary, created on first use. */
export async function summaryOf(db: DataStore, table: string, userId: string, consistent = false): Promise<ListSummaryItem> {
  return (await readSummary(db, table, userId, consistent)) ?? (await createSummary(db, table, userId))
}

/** The ids on the list, from the summary (created on first use). */
export async function listedIdsOf(db: DataStore, table: string, userId: string): Promise<Set<number>> {
  const summary = await summaryOf(db, table, userId)
  return new Set(Object.keys(summary.ids ?? {}).map(Number))
}
