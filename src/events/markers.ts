import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import type { DomainEvent } from './schema'

/** Processed-event markers outlive the queue's retention (4 days) and its DLQ redrives. */
const EVENT_MARKER_TTL_SECONDS = 14 * 24 * 3600

/**
 * How long a claim keeps other deliveries off before it counts as abandoned: its holder died, or could not give it
 * back (DynamoDB failed the release too). Longer than a handler's run (a send and its retries); shorter than the
 * queues' visibility timeout (60 s, infra/resources.ts), so the failed message's next delivery finds the lease over
 * and does the work, instead of a marker nobody holds skipping it for 14 days.
 */
export const CLAIM_LEASE_SECONDS = 30

/**
 * "Handler H has done its work for event E", as one item: EVENT#<eventId>#<handler> / EVENT.
 * A handler that writes to the table puts `marker` in the same transaction as its writes (the
 * condition makes a redelivery a no-op); one that talks to the outside (a mailer) claims first,
 * sends, then marks it done, or releases the claim when sending failed so the next delivery tries again.
 * A claim is a lease (`claimed_until`) until done: one that was neither done nor released is taken over after it.
 */
export interface Once {
  /** The conditional put of the marker, for the handler's own transaction. */
  readonly marker: TransactItem
  /** Takes the marker; false when it was taken already (the work is done, or in progress elsewhere under a live lease). */
  claim(): Promise<boolean>
  /** The claimed work succeeded: the marker stays. Never throws: done work must not be given back (nor done again). */
  done(): Promise<void>
  /** Gives this claim back after a failure (never a finished marker, nor another delivery's claim). */
  release(): Promise<void>
}

export type OnceFor = (event: DomainEvent, handler: string) => Once

/** `now` (ms) is for tests that look past a lease. */
export function eventMarkers(db: DataStore, table: string, options: { now?: () => number } = {}): OnceFor {
  const now = options.now ?? Date.now
  return (event, handler) => {
    const key = { pk: `EVENT#${event.id}#${handler}`, sk: 'EVENT' }
    const item = {
      ...key,
      type: event.type,
      handler,
      // No user id: markers outlive an account's erasure (14 days), and then no item may name the user.
      processed_at: new Date(now()).toISOString(),
      expires_at: Math.floor(now() / 1000) + EVENT_MARKER_TTL_SECONDS,
    }
    // This delivery's own claim: a claim whose answer was lost (the client's retry then failed the condition) is
    // recognised as ours, not taken for another's finished work, which skipped the mail for good.
    const token = crypto.randomUUID()
    const mine = { condition: 'claim_token = :token', values: { ':token': token } }
    const unlessLost = (error: unknown) => {
      // The condition failed: the claim is no longer ours (done by a retry already applied, or taken over).
      if (!(error instanceof ConditionalCheckFailedError)) throw error
    }
    return {
      marker: { put: { table, item, condition: 'attribute_not_exists(pk)' } },
      async claim() {
        const at = Math.floor(now() / 1000)
        try {
          await db.put(table, { ...item, claim_token: token, claimed_until: at + CLAIM_LEASE_SECONDS }, {
            condition: 'attribute_not_exists(pk) OR claimed_until < :at',
            values: { ':at': at },
          })
          return true
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedError)) throw error
        }
        const found = await db.get<{ claim_token?: string }>(table, key, { consistent: true })
        return found?.claim_token === token
      },
      async done() {
        try {
          await db.update(table, key, { update: 'REMOVE claim_token, claimed_until', ...mine, returnValues: 'NONE' })
        } catch (error) {
          if (error instanceof ConditionalCheckFailedError) return
          // The lease lapses instead: only a redelivery of this event (rare) could do the work again.
          console.warn(`event ${event.id}: ${handler}'s marker not finished`, error instanceof Error ? error.name : 'error')
        }
      },
      release: () => db.delete(table, key, mine).then(() => undefined, unlessLost),
    }
  }
}
