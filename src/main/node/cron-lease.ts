import { randomUUID } from 'node:crypto'
import { NODE_LEASE_ITEMS } from '../../../infra/resources'
import { ConditionalCheckFailedError } from '../../data/errors'
import type { DataStore } from '../../data/store'

/**
 * Who may run a cron job now, across replicas: one DynamoDB item per job (infra/resources.ts
 * NODE_LEASE_ITEMS), taken with a conditional write that only succeeds when nobody holds it or the
 * holder's time ran out (a replica that died mid-job frees it by expiry). For a scheduled occurrence
 * the item also remembers the last occurrence that succeeded, so a replica whose clock ticks a little
 * later, or a CronJob pod that starts late, does not run it again. Only a success marks it: a failed
 * run leaves it open, so the scheduler's retry or the CronJob's next pod runs it again.
 */
export interface CronLease {
  /** The release function when this process now holds the job's lease; null when another one does (or this occurrence succeeded). */
  acquire(job: string, opts?: { occurrence?: number }): Promise<ReleaseLease | null>
}

/** Gives the hold back; `done` (the job succeeded) also records the occurrence as run. */
export type ReleaseLease = (outcome: { done: boolean }) => Promise<void>

/** Long enough for any job we have; a crashed holder blocks the job at most this long. */
export const DEFAULT_HOLD_SECONDS = 15 * 60
/** The lease item itself expires (TTL) a week after its last use. */
const ITEM_TTL_SECONDS = 7 * 24 * 3600

export function dynamoCronLease(options: { db: () => DataStore; table: string; holdSeconds?: number; now?: () => number }): CronLease {
  const now = options.now ?? Date.now
  const holdMs = (options.holdSeconds ?? DEFAULT_HOLD_SECONDS) * 1000
  const keyOf = (job: string) => ({ pk: `${NODE_LEASE_ITEMS.prefix}${job}`, sk: NODE_LEASE_ITEMS.sortKey })
  return {
    async acquire(job, { occurrence } = {}) {
      const owner = randomUUID()
      const at = now()
      const free = '(attribute_not_exists(pk) OR held_until < :now)'
      const notYetRun = 'AND (attribute_not_exists(last_occurrence) OR last_occurrence < :occurrence)'
      try {
        await options.db().update(options.table, keyOf(job), {
          update: 'SET #owner = :owner, held_until = :until, #ttl = :ttl',
          condition: occurrence === undefined ? free : `${free} ${notYetRun}`,
          names: { '#owner': 'owner', '#ttl': NODE_LEASE_ITEMS.ttlAttribute },
          values: {
            ':owner': owner,
            ':now': at,
            ':until': at + holdMs,
            ':ttl': Math.ceil(at / 1000) + ITEM_TTL_SECONDS,
            ...(occurrence === undefined ? {} : { ':occurrence': occurrence }),
          },
          returnValues: 'NONE',
        })
      } catch (error) {
        if (error instanceof ConditionalCheckFailedError) return null
        throw error
      }
      const ignoreTaken = (error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedError)) throw error
      }
      return async ({ done }) => {
        const markDone = done && occurrence !== undefined
        const mark = markDone ? { ':occurrence': occurrence } : {}
        try {
          // Only our own hold is given back, with the occurrence marked in the same write when the job succeeded.
          await options.db().update(options.table, keyOf(job), {
            update: markDone ? 'SET held_until = :free, last_occurrence = :occurrence' : 'SET held_until = :free',
            condition: '#owner = :owner',
            names: { '#owner': 'owner' },
            values: { ':owner': owner, ':free': 0, ...mark },
            returnValues: 'NONE',
          })
        } catch (error) {
          ignoreTaken(error)
          if (!markDone) return
          // Our hold ran out and another run took the lease: the success is still recorded, never moving the mark back.
          await options
            .db()
            .update(options.table, keyOf(job), {
              update: 'SET last_occurrence = :occurrence',
              condition: 'attribute_not_exists(last_occurrence) OR last_occurrence < :occurrence',
              values: mark,
              returnValues: 'NONE',
            })
            .catch(ignoreTaken)
        }
      }
    },
  }
}
