import { pushEndpointAllowed, type AllowedHost } from './endpoint'
import type { PushSubscriptionBody } from './schemas'
import { sessionTag } from './keys'
import type { PushSubscriptionStore } from './store'

/** Web Push's use cases for routes: the key browsers subscribe with, and a user's subscriptions. */
export class PushService {
  constructor(
    private readonly deps: {
      store: PushSubscriptionStore
      /** VAPID public key; null when push is off (no keys configured). */
      publicKey: string | null
      /** Production accepts only https: endpoints (every real push service is https). */
      production: boolean
      /** PUSH_ALLOWED_HOSTS: hosts allowed besides the browsers' push services. */
      allowedHosts?: readonly AllowedHost[]
    },
  ) {}

  get publicKey(): string | null {
    return this.deps.publicKey
  }

  /** Whether an endpoint may be stored here: a browser push service, or a listed host (src/push/endpoint.ts). */
  acceptsEndpoint(endpoint: string): boolean {
    return pushEndpointAllowed(endpoint, this.deps.allowedHosts ?? [], !this.deps.production)
  }

  /**
   * `tokenVersion`: the session's (the subscription ends with the sessions of that version); `sessionToken`: the token
   * the browser is signed in with (the subscription ends with that session too: endSession).
   */
  async subscribe(userId: string, body: PushSubscriptionBody, tokenVersion?: number, sessionToken?: string): Promise<'created' | 'known'> {
    const session = sessionToken ? await sessionTag(sessionToken) : undefined
    return this.deps.store.put(userId, { endpoint: body.endpoint, keys: { p256dh: body.keys.p256dh, auth: body.keys.auth } }, new Date(), tokenVersion, session)
  }

  /** A session ends (logout): the browsers that subscribed under it get nothing more. */
  async endSession(userId: string, sessionToken: string): Promise<void> {
    await this.deps.store.removeSession(userId, await sessionTag(sessionToken))
  }

  unsubscribe(userId: string, endpoint: string): Promise<void> {
    return this.deps.store.remove(userId, endpoint)
  }
}
