import type { EventHandler, HandlerResult } from '../events/dispatcher'
import type { OnceFor } from '../events/markers'
import type { DomainEvent } from '../events/schema'
import type { PushMessage } from './message'
import type { PushOptions, PushOutcome, SubscriptionTarget } from './sender'
import type { PushSubscriptionItem } from './store'

export interface PushHandlerDeps {
  subscriptions: {
    list(userId: string): Promise<PushSubscriptionItem[]>
    remove(userId: string, endpoint: string): Promise<void>
  }
  /** Whether the user has push turned on (the profile's notifications.push). */
  wantsPush(userId: string): Promise<boolean>
  /** The notification as its reader sees it, ready to send; undefined when it is gone (expired, account erased). */
  messageFor(userId: string, notificationId: string): Promise<PushMessage | undefined>
  send(target: SubscriptionTarget, message: PushMessage, options: PushOptions): Promise<{ outcome: PushOutcome; status: number }>
  /** Per-subscription markers: `push#<subscription>` for each event. */
  once: OnceFor
}

/** The push service answered 429/5xx (or not at all) for some subscriptions: the queue redelivers the event. */
export class PushRetryLater extends Error {
  override name = 'PushRetryLater'
}

/** A day: release alerts and security notices still matter to a device that was off overnight. */
const OPTIONS: PushOptions = { ttl: 24 * 3600, urgency: 'normal' }
const SECURITY_OPTIONS: PushOptions = { ttl: 24 * 3600, urgency: 'high' }

/**
 * Delivers `notification.created` as Web Push to each of the user's subscriptions. Each send
 * claims its own marker (EVENT#<event>#push#<subscription>) first: a redelivered event goes only
 * to the subscriptions not served yet. 404/410 drops the subscription (marker kept: nothing more is
 * sent to it); 429/5xx releases the marker and fails the event so the queue tries again later.
 */
export function pushHandler(deps: PushHandlerDeps): EventHandler {
  const handle = async (event: DomainEvent): Promise<HandlerResult> => {
    if (event.type !== 'notification.created') return { duplicate: false, delivered: 0 }
    const [wanted, subscriptions] = await Promise.all([deps.wantsPush(event.user_id), deps.subscriptions.list(event.user_id)])
    if (!wanted || subscriptions.length === 0) return { duplicate: false, delivered: 0 }
    const message = await deps.messageFor(event.user_id, event.payload.notification_id)
    if (!message) return { duplicate: false, delivered: 0 }
    const options = message.type === 'security' ? SECURITY_OPTIONS : OPTIONS
    const results = await Promise.all(
      subscriptions.map(async (subscription) => {
        const once = deps.once(event, `push#${subscription.sk.slice(subscription.sk.indexOf('#') + 1)}`)
        if (!(await once.claim())) return 'duplicate' as const
        try {
          const { outcome, status } = await deps.send(subscription, message, options)
          if (outcome === 'retry') await once.release()
          if (outcome === 'gone') await deps.subscriptions.remove(event.user_id, subscription.endpoint)
          if (outcome === 'rejected') console.warn(`push: a push service refused a message (${status}); not retried`)
          return outcome
        } catch (error) {
          await once.release().catch(() => undefined)
          throw error
        }
      }),
    )
    const delivered = results.filter((result) => result === 'sent').length
    if (results.includes('retry')) throw new PushRetryLater(`push: ${results.filter((r) => r === 'retry').length} deliveries to retry (${delivered} sent)`)
    return { duplicate: results.every((result) => result === 'duplicate'), delivered }
  }
  return { name: 'push', handle }
}
