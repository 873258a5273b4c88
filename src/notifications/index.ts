import { newestFirst, publicFields, type AccountDataParticipant } from '../shared/participants'
import type { NotificationStore } from './store'

/** Notifications' part in account export and erasure (the "already alerted/recommended" markers go to `other`). */
export function notificationsParticipant(store: NotificationStore): AccountDataParticipant {
  return {
    name: 'notifications',
    async export(userId) {
      const { notifications, markers } = await store.userItems(userId)
      // `type` (welcome, release…) is the notification's kind here, not the item-type key publicFields() drops.
      return { notifications: notifications.map((item) => ({ ...publicFields(item), type: item.type })).sort(newestFirst('created_at')), other: markers.map(publicFields) }
    },
    erase: (userId) => store.eraseUser(userId),
  }
}
