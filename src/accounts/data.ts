import type { DataStore } from '../data/store'
import { userPk } from '../shared/keys'
import type { AccountDataParticipant } from '../shared/participants'
import { PROFILE_SK } from './keys'
import { toUser, type NotificationPrefs, type Profile, type User } from './types'

/**
 * Erases every item of the user but the profile and email marker (the caller deletes those
 * last, so an interrupted erasure can be retried by the still-signed-in user): each feature
 * erases its own items (reviews correct their films' aggregates), then whatever is still left in
 * the user's partition (an item type no participant claims) is swept.
 */
export async function eraseUserItems(db: DataStore, table: string, userId: string, participants: AccountDataParticipant[]): Promise<void> {
  for (const participant of participants) await participant.erase(userId)
  const left = await db.queryAll<{ pk: string; sk: string }>(table, {
    keyCondition: 'pk = :pk',
    values: { ':pk': userPk(userId) },
    consistent: true,
    projection: 'pk, sk',
  })
  const strays = left.filter((item) => item.sk !== PROFILE_SK)
  if (strays.length > 0) await db.batchWrite(table, strays.map((item) => ({ delete: { pk: item.pk, sk: item.sk } })))
}

export interface UserExport {
  exported_at: string
  profile: User & { notifications: NotificationPrefs; updated_at: string; previous_email?: string }
  watchlist: Record<string, unknown>[]
  reviews: Record<string, unknown>[]
  notifications: Record<string, unknown>[]
  genre_follows: Record<string, unknown>[]
  other: Record<string, unknown>[]
  [section: string]: unknown
}

/** All the user's data as JSON, section by section from each participant; never the password hash or internal keys. */
export async function exportUserItems(profile: Profile, participants: AccountDataParticipant[]): Promise<UserExport> {
  const out: UserExport = {
    exported_at: new Date().toISOString(),
    profile: {
      ...toUser(profile),
      notifications: profile.notifications,
      updated_at: profile.updated_at,
      ...(profile.previous_email ? { previous_email: profile.previous_email } : {}),
    },
    watchlist: [],
    reviews: [],
    notifications: [],
    genre_follows: [],
    other: [],
  }
  const parts = await Promise.all(participants.map((participant) => participant.export(profile.id)))
  for (const part of parts) {
    for (const [section, items] of Object.entries(part)) {
      const existing = out[section]
      out[section] = Array.isArray(existing) ? [...existing, ...items] : items
    }
  }
  return out
}
