import type { DynamoDb } from '../aws/dynamodb'
import { deleteUserReviews } from '../reviews/service'
import { deleteUserWatchlist } from '../watchlist/service'
import { GENRE_PREFIX, NOTIF_PREFIX, PROFILE_SK, REVIEW_PREFIX, WATCH_PREFIX, userPk } from '../shared/keys'
import { toUser, type NotificationPrefs, type Profile, type User } from './types'

type Item = Record<string, unknown> & { pk: string; sk: string; gsi1pk?: string; gsi1sk?: string }

/** Every item of the user: its own partition (profile, list, notifications) and what gsi1 files under it (reviews, genre follows). */
async function userItems(db: DynamoDb, table: string, userId: string): Promise<{ own: Item[]; indexed: Item[] }> {
  const [own, indexed] = await Promise.all([
    db.queryAll<Item>(table, { keyCondition: 'pk = :pk', values: { ':pk': userPk(userId) }, consistent: true }),
    db.queryAll<Item>(table, { index: 'gsi1', keyCondition: 'gsi1pk = :pk', values: { ':pk': userPk(userId) } }),
  ])
  return { own, indexed }
}

/**
 * Deletes every item of the user but the profile and email marker (the caller deletes those
 * last, so an interrupted erasure can be retried by the still-signed-in user). Reviews go
 * through the reviews module so each film's aggregate is corrected in the same transaction;
 * the watchlist module removes list entries and genre follows; anything else left under the
 * user (notifications, future item types) is deleted here.
 */
export async function eraseUserItems(db: DynamoDb, table: string, userId: string): Promise<void> {
  await deleteUserReviews(db, table, userId)
  await deleteUserWatchlist(db, table, userId)
  const { own, indexed } = await userItems(db, table, userId)
  const keys = new Map<string, { pk: string; sk: string }>()
  for (const item of [...own, ...indexed]) {
    if (item.pk === userPk(userId) && item.sk === PROFILE_SK) continue
    // A review that appeared after deleteUserReviews ran must still go through the aggregate-correcting path.
    if (item.sk.startsWith(REVIEW_PREFIX)) continue
    keys.set(`${item.pk}|${item.sk}`, { pk: item.pk, sk: item.sk })
  }
  await db.batchWrite(table, [...keys.values()].map((key) => ({ delete: key })))
  if (indexed.some((item) => item.sk.startsWith(REVIEW_PREFIX))) await deleteUserReviews(db, table, userId)
}

export interface UserExport {
  exported_at: string
  profile: User & { notifications: NotificationPrefs; updated_at: string }
  watchlist: Record<string, unknown>[]
  reviews: Record<string, unknown>[]
  notifications: Record<string, unknown>[]
  genre_follows: Record<string, unknown>[]
  other: Record<string, unknown>[]
}

const INTERNAL = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type', 'user_id'])
const publicFields = (item: Item) => Object.fromEntries(Object.entries(item).filter(([name]) => !INTERNAL.has(name)))

/** All the user's data as JSON, read straight from the table; never the password hash or internal keys. */
export async function exportUserItems(db: DynamoDb, table: string, profile: Profile): Promise<UserExport> {
  const { own, indexed } = await userItems(db, table, profile.id)
  const out: UserExport = {
    exported_at: new Date().toISOString(),
    profile: { ...toUser(profile), notifications: profile.notifications, updated_at: profile.updated_at },
    watchlist: [],
    reviews: [],
    notifications: [],
    genre_follows: [],
    other: [],
  }
  for (const item of own) {
    if (item.sk === PROFILE_SK) continue
    if (item.sk.startsWith(WATCH_PREFIX)) out.watchlist.push(publicFields(item))
    else if (item.sk.startsWith(NOTIF_PREFIX)) out.notifications.push(publicFields(item))
    else out.other.push(publicFields(item))
  }
  for (const item of indexed) {
    if (item.sk.startsWith(REVIEW_PREFIX)) out.reviews.push(publicFields(item))
    else if (item.pk.startsWith(GENRE_PREFIX)) out.genre_follows.push(publicFields(item))
  }
  out.watchlist.sort((a, b) => String(b.added_at ?? '').localeCompare(String(a.added_at ?? '')))
  out.notifications.sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')))
  return out
}
