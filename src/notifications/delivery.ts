import { DEFAULT_NOTIFICATION_PREFS, readLanguage, type NotificationPrefs } from '../accounts/types'
import type { Catalog } from '../catalog/types'
import type { HandlerResult, Subscriber } from '../events/dispatcher'
import type { OnceFor } from '../events/markers'
import type { Outbox, StagedEvent } from '../events/outbox'
import { events, type DomainEvent } from '../events/schema'
import { createTranslator } from '../i18n/translator'
import type { Defer } from '../platform'
import { DeliverLater, deliversAfterCommit, type ChannelMarkers, type DeliveryChannel, type OutgoingNotification, type Recipient } from './channels'
import { renderAll } from './render'
import type { Notification, NotificationItem, NotificationStore } from './store'

export interface DeliveryDeps {
  channels: readonly DeliveryChannel[]
  /** The reader's profile (the accounts feature's fits), read consistently; undefined when the account is gone. */
  profileOf(userId: string): Promise<{ id: string; language: string; notifications?: Partial<NotificationPrefs>; token_version?: number } | undefined>
  store: Pick<NotificationStore, 'get'>
  /** Film titles and genre names for rendering, in the reader's language. */
  catalog: Pick<Catalog, 'many' | 'genres'>
  /** The channels' markers. */
  once: OnceFor
}

export interface DeliveryHandler extends Subscriber {
  /** The same work as `handle`: what a request calls right after a notification's commit (see `announcer`). */
  deliver(event: DomainEvent): Promise<HandlerResult>
}

const NOTHING: HandlerResult = { duplicate: false, delivered: 0 }

/**
 * Delivers `notification.created` to each channel that delivers after the commit and wants it, side by side, each
 * behind its own markers: a redelivered event reaches only the channels (and subscriptions) not served yet. When a
 * channel fails the event fails (the queue redelivers it); the others' markers keep them from delivering twice.
 */
export function deliveryHandler(deps: DeliveryDeps): DeliveryHandler {
  const channels = deps.channels.filter(deliversAfterCommit)
  const deliver = async (event: DomainEvent): Promise<HandlerResult> => {
    if (event.type !== 'notification.created' || channels.length === 0) return NOTHING
    const [profile, item] = await Promise.all([deps.profileOf(event.user_id), deps.store.get(event.user_id, event.payload.notification_id)])
    // The account was erased, or the notification expired, before delivery.
    if (!profile || !item) return NOTHING
    const user: Recipient = { id: profile.id, language: readLanguage(profile.language), prefs: { ...DEFAULT_NOTIFICATION_PREFS, ...profile.notifications }, tokenVersion: profile.token_version }
    const notification = outgoing(item, user, deps.catalog)
    const wanted = await Promise.all(channels.map((channel) => channel.wants(user, notification)))
    const chosen = channels.filter((_, i) => wanted[i])
    const results = await Promise.allSettled(chosen.map((channel) => channel.deliver(user, notification, markersOf(deps.once, event, channel.name))))
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []))
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) {
      const message = `delivery: ${failures.length} channels failed on ${event.id}`
      throw failures.every((failure) => failure instanceof DeliverLater) ? new DeliverLater(message) : new AggregateError(failures, message)
    }
    const done = results.map((result) => (result as PromiseFulfilledResult<HandlerResult>).value)
    return { duplicate: done.length > 0 && done.every((result) => result.duplicate), delivered: done.reduce((sum, result) => sum + result.delivered, 0) }
  }
  // The dispatcher's own marker for this handler goes unused: each channel claims its own.
  return { name: 'delivery', on: channels.length > 0 ? ['notification.created'] : [], deliver, handle: (event) => deliver(event) }
}

function outgoing(item: NotificationItem, user: Recipient, catalog: DeliveryDeps['catalog']): OutgoingNotification {
  let rendered: Promise<Notification> | undefined
  return {
    id: item.id,
    type: item.type,
    movie_id: item.movie_id ?? null,
    created_at: item.created_at,
    rendered: () => (rendered ??= renderAll([item], catalog, createTranslator(user.language), { language: user.language }).then(([one]) => one!)),
  }
}

const markersOf = (once: OnceFor, event: DomainEvent, channel: string): ChannelMarkers => ({
  once: once(event, channel),
  part: (name) => once(event, `${channel}#${name}`),
})

/** Stages `notification.created` with a new notification: its `writes` join the notification's transaction. */
export type Announce = (userId: string, notificationId: string) => StagedEvent

/**
 * While some channel delivers after the commit, each new notification stages `notification.created` in its own
 * transaction, and right after the commit it is delivered at once (on a later turn of the event loop, so the
 * request's own store calls are over first); the queue's delivery of the event is the fallback and the retry. With
 * none (only in-app), undefined: nothing is staged.
 */
export function announcer(deps: { channels: readonly DeliveryChannel[]; outbox: () => Outbox; delivery: () => DeliveryHandler; defer: Defer }): Announce | undefined {
  if (!deps.channels.some(deliversAfterCommit)) return undefined
  return (userId, notificationId) => {
    const staged = deps.outbox().stage(events.notificationCreated(userId, notificationId))
    const now = () =>
      deps
        .delivery()
        .deliver(staged.event)
        .catch((error: unknown) => {
          if (!(error instanceof DeliverLater)) throw error
        })
    return { ...staged, release: () => (staged.release(), deps.defer(new Promise((resolve) => setTimeout(resolve, 0)).then(now))) }
  }
}
