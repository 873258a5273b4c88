import type { Language, NotificationPrefs } from '../accounts/types'
import type { HandlerResult } from '../events/dispatcher'
import type { Once } from '../events/markers'
import type { Notification, NotificationType } from './store'

/**
 * Where a notification goes besides the list it is written to. Each channel is a module of its own (in-app here,
 * email in src/mail/channel.ts, Web Push in src/push/channel.ts) in the list the composition root builds; a new one
 * is one more module in that list. The fan-out (src/notifications/delivery.ts) asks each channel that delivers after
 * the commit whether it wants the notification, and hands it over with the channel's own markers.
 */
export interface DeliveryChannel {
  /** Unique: it names the channel's markers (EVENT#<event id>#<name>…). */
  readonly name: string
  /**
   * When it delivers. 'with-the-write': the notification's own item is the delivery, written by the transaction that
   * creates it (in-app). 'after-commit': once that transaction committed, at once and again on the queue's delivery of
   * `notification.created` (each time behind the channel's markers). 'off': not in this deployment (push without VAPID
   * keys). Only while some channel is 'after-commit' is `notification.created` staged at all.
   */
  readonly timing: 'with-the-write' | 'after-commit' | 'off'
  /** Whether this user gets this notification here (their switches, the kinds the channel carries). */
  wants(user: Recipient, notification: OutgoingNotification): boolean | Promise<boolean>
  /**
   * Delivers it, claiming `markers.once` (or finer markers) first and releasing it when delivery failed, so a
   * redelivered event never delivers twice. Throws DeliverLater when the other side asked to be tried again.
   */
  deliver(user: Recipient, notification: OutgoingNotification, markers: ChannelMarkers): Promise<HandlerResult>
}

/** The notification's reader, as the channels need them (read once per delivery, from the profile). */
export interface Recipient {
  id: string
  language: Language
  prefs: NotificationPrefs
  /** The account's token version now: what a push subscription's own is compared with (src/push/channel.ts). */
  tokenVersion?: number
}

/** The notification as stored (its kind, its film), and as its reader reads it, rendered once on the first ask. */
export interface OutgoingNotification {
  readonly id: string
  readonly type: NotificationType
  readonly movie_id: number | null
  readonly created_at: string
  rendered(): Promise<Notification>
}

export interface ChannelMarkers {
  /** EVENT#<event id>#<channel>: claim it before delivering, release it when delivery failed. */
  readonly once: Once
  /** EVENT#<event id>#<channel>#<part>: finer markers (push: one per subscription, so a retry resends only where it failed). */
  part(name: string): Once
}

/** The other side answered "later" (a push service's 429 or 5xx): the queue's redelivery of the event tries again. */
export class DeliverLater extends Error {
  override name = 'DeliverLater'
}

/** In-app: the notification's own item is its delivery (the list and the header's bell read it); nothing is left to do. */
export const inAppChannel: DeliveryChannel = {
  name: 'in-app',
  timing: 'with-the-write',
  wants: () => true,
  deliver: async () => ({ duplicate: false, delivered: 0 }),
}

/** Whether a channel delivers after the creating transaction commits (and so needs `notification.created`). */
export const deliversAfterCommit = (channel: DeliveryChannel) => channel.timing === 'after-commit'
