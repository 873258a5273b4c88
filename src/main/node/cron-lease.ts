import { randomUUID } from 'node:crypto'
import { NODE_LEASE_ITEMS } from '../../../infra/resources'
import { ConditionalCheckFailedError } from '../../data/errors'
import type { DataStore } from '../../data/store'

/**
 * Who may run a cron job now, across replicas: one DynamoDB item per job (infra/resources.ts
 * NODE_LEASE_ITEMS), taken with a conditional write that only succeeds when nobody holds it or the
 * holder's time ran out (a replica that died mid-job frees it by expiry). For a scheduled occurrence
 * the item also remembers the last occurrence run, so a replica whose clock ticks a little later, or a
 * CronJob pod that starts late, does not run the same occurrence again once the first has finished.
 */
export interface CronLease {
  /** The release function when this process now holds the job's lease; null when another one does (or did this occurrence). */
  acquire(job: string, opts?: { occurrence?: number }): Promise<(() => Promise<void>) | null>
}

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
          update: `SET #owner = :owner, held_until = :until, #ttl = :ttl${occurrence === undefined ? '' : ', last_occurrence = :occurrence'}`,
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
      return async () => {
        // Only our own hold is given back; the occurrence stays recorded.
        await options
          .db()
          .update(options.table, keyOf(job), {
            update: 'SET held_until = :free',
            condition: '#owner = :owner',
            names: { '#owner': 'owner' },
            values: { ':owner': owner, ':free': 0 },
            returnValues: 'NONE',
          })
          .catch((error: unknown) => {
            if (!(error instanceof ConditionalCheckFailedError)) throw error
          })
      }
    },
  }
}
