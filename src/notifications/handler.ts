import { notDeleted } from '../accounts/tombstone'
import { TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import type { Subscriber } from '../events/dispatcher'
import { retryOptimistic } from '../shared/conflict-retry'
import type { Announce } from './delivery'
import { notificationsFor, type RuleContext } from './rules'
import type { NotificationStore } from './store'

export interface NotificationHandlerDeps extends RuleContext {
  db: DataStore
  table: string
  store: NotificationStore
  /** Stages `notification.created` for each new notification (the channels deliver it: delivery.ts); absent when only in-app is on. */
  announce?: Announce
  /** "Now streaming on Flixpeek" for the film's listers (release-alerts.ts announceStreaming): their count. */
  streaming?: (movieId: number, at: Date) => Promise<{ notified: number }>
}

/** The events the rules answer (rules.ts), and a ready video (its film's listers); a list change leads to no notification yet. */
const NOTIFYING_EVENTS = ['user.signed_up', 'user.password_changed', 'user.email_changed', 'watchlist.added', 'watchlist.removed', 'review.posted', 'video.ready'] as const

/**
 * The in-app notifications an event leads to (src/notifications/rules.ts), written in one
 * transaction with the handler's event marker, so a redelivered message writes nothing new.
 */
export function notificationHandler(deps: NotificationHandlerDeps): Subscriber {
  return {
    name: 'notifications',
    on: NOTIFYING_EVENTS,
    async handle(event, once) {
      // Many users, each told once by a marker of their own (not this event's): a redelivery tells nobody twice.
      if (event.type === 'video.ready') {
        const report = await deps.streaming?.(event.payload.movie_id, new Date(event.occurred_at))
        return { duplicate: false, delivered: report?.notified ?? 0 }
      }
      const outcome = await notificationsFor(event, deps)
      if (outcome.notifications.length === 0) return { duplicate: false, delivered: 0 }
      const items = await Promise.all(outcome.notifications.map((n) => deps.store.build(event.user_id, n)))
      const announced = deps.announce ? items.map((item) => deps.announce!(event.user_id, item.id)) : []
      const writes: TransactItem[] = [
        once.marker,
        // Not for an account being deleted: the erasure may have passed already (its tombstone refuses the write).
        await notDeleted(deps.table, event.user_id),
        ...items.map((item) => deps.store.putEntry(item)),
        deps.store.unreadEntry(event.user_id, items),
        ...outcome.extraItems.map((item) => ({ put: { table: deps.table, item } })),
        ...(outcome.guards ?? []),
        ...announced.flatMap((staged) => staged.writes),
      ]
      try {
        // Events of one user are handled side by side and meet at the unread summary: a conflict is tried again.
        await retryOptimistic(() => deps.db.transactWrite(writes).then(() => true))
        for (const staged of announced) staged.release()
        return { duplicate: false, delivered: items.length }
      } catch (error) {
        if (error instanceof TransactionCanceledError && error.conditionFailed) return { duplicate: true, delivered: 0 }
        throw error
      }
    },
  }
}
