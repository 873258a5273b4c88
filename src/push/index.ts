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
      // The session hash is bookkeeping, not the user's data.
      return { push_subscriptions: (await store.list(userId)).map(({ session: _session, ...item }) => publicFields(item)) }
    },
    erase: (userId) => store.eraseUser(userId),
  }
}
export { parseAllowedHosts, pushEndpointAllowed, type AllowedHost } from './endpoint'
