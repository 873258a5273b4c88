import type { DynamoDb } from '../aws/dynamodb'
import { DEFAULT_NOTIFICATION_PREFS, type NotificationPrefs } from '../accounts/types'
import { profileKey } from '../shared/keys'

/** The profile's switches (USER#<id> / PROFILE `notifications`); welcome and security are always on. */
interface ProfileSlice {
  id: string
  notifications?: Partial<NotificationPrefs>
}

/** Preferences of the users that exist (a deleted account is simply absent from the map). */
export async function readPreferences(
  db: DynamoDb,
  table: string,
  userIds: string[],
  opts: { consistent?: boolean } = {},
): Promise<Map<string, NotificationPrefs>> {
  const unique = [...new Set(userIds)]
  if (unique.length === 0) return new Map()
  const profiles = await db.batchGet<ProfileSlice>(table, unique.map(profileKey), opts)
  return new Map(profiles.map((p) => [p.id, { ...DEFAULT_NOTIFICATION_PREFS, ...(p.notifications ?? {}) }]))
}
