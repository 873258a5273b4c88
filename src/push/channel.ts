import type { Catalog } from '../catalog/types'
import { DeliverLater, type DeliveryChannel } from '../notifications/channels'
import { composeMessage } from './message'
import { sendPush, type PushOptions } from './sender'
import type { PushSubscriptionItem } from './store'
import { vapidSignerFor, type VapidKeys } from './vapid'

export interface PushChannelDeps {
  /** The VAPID keys; null when push is off (the channel then delivers nothing and stages nothing). */
  vapid: VapidKeys | null
  subscriptions: {
    list(userId: string): Promise<PushSubscriptionItem[]>
    remove(userId: string, endpoint: string): Promise<void>
  }
  /** The film's poster, in the reader's language. */
  catalog: Pick<Catalog, 'many'>
  /** The site's origin: where a click on the notification leads. */
  base: string
  /** Whether an endpoint may be delivered to (src/push/endpoint.ts): one stored before the rule is skipped. */
  allows?: (endpoint: string) => boolean
}

/** The push service answered 429/5xx (or not at all) for some subscriptions: the queue redelivers the event. */
export class PushRetryLater extends DeliverLater {
  override name = 'PushRetryLater'
}

/** A day: release alerts and security notices still matter to a device that was off overnight. */
const OPTIONS: PushOptions = { ttl: 24 * 3600, urgency: 'normal' }
const SECURITY_OPTIONS: PushOptions = { ttl: 24 * 3600, urgency: 'high' }

/**
 * Web Push, to each of the user's subscriptions when they turned push on. Each send claims its own marker
 * (EVENT#<event>#push#<subscription>) first: a redelivered event goes only to the subscriptions not served yet.
 * 404/410 drops the subscription (marker kept: nothing more is sent to it); 429/5xx releases the marker and fails
 * the delivery (PushRetryLater) so the queue tries again later.
 */
export function pushChannel(deps: PushChannelDeps): DeliveryChannel {
  const vapid = deps.vapid
  return {
    name: 'push',
    timing: vapid ? 'after-commit' : 'off',
    wants: (user) => vapid !== null && user.prefs.push === true,
    async deliver(user, notification, markers) {
      const all = (await deps.subscriptions.list(user.id)).filter((subscription) => deps.allows?.(subscription.endpoint) ?? true)
      // A subscription of sessions that have ended (the account's token version moved on since it subscribed) gets
      // the security notice of that change, then goes; anything else only makes it go (the third audit's L2).
      const ended = (subscription: PushSubscriptionItem) =>
        subscription.token_version !== undefined && user.tokenVersion !== undefined && subscription.token_version < user.tokenVersion
      if (!vapid || all.length === 0) return { duplicate: false, delivered: 0 }
      const [rendered, film] = await Promise.all([
        notification.rendered(),
        notification.movie_id ? deps.catalog.many([notification.movie_id], { language: user.language }).then(([one]) => one, () => undefined) : undefined,
      ])
      const message = composeMessage(rendered, { base: deps.base, language: user.language, poster: film?.poster_url })
      const security = message.type === 'security'
      const options = security ? SECURITY_OPTIONS : OPTIONS
      const subscriptions = security ? all : all.filter((subscription) => !ended(subscription))
      if (!security) await Promise.all(all.filter(ended).map((subscription) => deps.subscriptions.remove(user.id, subscription.endpoint)))
      const results = await Promise.all(
        subscriptions.map(async (subscription) => {
          const once = markers.part(subscription.sk.slice(subscription.sk.indexOf('#') + 1))
          if (!(await once.claim())) return 'duplicate' as const
          try {
            const { outcome, status } = await sendPush(subscription, message, options, vapidSignerFor(vapid))
            if (outcome === 'retry') await once.release()
            else await once.done()
            if (outcome === 'gone' || (outcome === 'sent' && ended(subscription))) await deps.subscriptions.remove(user.id, subscription.endpoint)
            if (outcome === 'gone' && status === 0) console.warn('push: dropped a subscription whose keys cannot encrypt (stored before the curve check)')
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
    },
  }
}
