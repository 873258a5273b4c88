import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import type { DomainEvent } from './schema'

/** Processed-event markers outlive the queue's retention (4 days) and its DLQ redrives. */
const EVENT_MARKER_TTL_SECONDS = 14 * 24 * 3600

/**
 * "Handler H has done its work for event E", as one item: EVENT#<eventId>#<handler> / EVENT.
 * A handler that writes to the table puts `marker` in the same transaction as its writes (the
 * condition makes a redelivery a no-op); one that talks to the outside (a mailer) claims first,
 * sends, and releases the claim when sending failed so the next delivery tries again.
 */
export interface Once {
  /** The conditional put of the marker, for the handler's own transaction. */
  readonly marker: TransactItem
  /** Takes the marker; false when it was taken already (the work is done, or in progress elsewhere). */
  claim(): Promise<boolean>
  /** Gives a claimed marker back after a failure. */
  release(): Promise<void>
}

export type OnceFor = (event: DomainEvent, handler: string) => Once

export function eventMarkers(db: DataStore, table: string): OnceFor {
  return (event, handler) => {
    const key = { pk: `EVENT#${event.id}#${handler}`, sk: 'EVENT' }
    const item = {
      ...key,
      type: event.type,
      handler,
      // No user id: markers outlive an account's erasure (14 days), and then no item may name the user.
      processed_at: new Date().toISOString(),
      expires_at: Math.floor(Date.now() / 1000) + EVENT_MARKER_TTL_SECONDS,
    }
    return {
      marker: { put: { table, item, condition: 'attribute_not_exists(pk)' } },
      async claim() {
        try {
          await db.put(table, item, { condition: 'attribute_not_exists(pk)' })
          return true
        } catch (error) {
          if (error instanceof ConditionalCheckFailedError) return false
          throw error
        }
      },
      release: () => db.delete(table, key).then(() => undefined),
    }
  }
}
