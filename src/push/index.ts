import { publicFields, type AccountDataParticipant } from '../shared/participants'
import type { PushSubscriptionStore } from './store'

export { PushSubscriptionStore, MAX_SUBSCRIPTIONS } from './store'
export { pushChannel, PushRetryLater } from './channel'
export { composeMessage, type PushMessage } from './message'

/** Push subscriptions in account export (oldest first) and erasure. */
export function pushParticipant(store: PushSubscriptionStore): AccountDataParticipant {
  return {
    name: 'push',
    async export(userId) {
      return { push_subscriptions: (await store.list(userId)).map(publicFields) }
    },
    erase: (userId) => store.eraseUser(userId),
  }
}
export { parseAllowedHosts, pushEndpointAllowed, type AllowedHost } from './endpoint'
