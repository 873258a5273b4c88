import { CRON_JOBS } from '../../jobs'
import { cronMatches } from '../../jobs/cron-expression'
import { CRON, type CronName } from '../../platform'
import type { Services } from '../../services'
import type { CronLease } from './cron-lease'

/**
 * Runs one cron trigger on Node the way Cloudflare runs a Worker's: the job of the cron table
 * (src/jobs) with services built for it, here behind the cross-replica lease. Shared by the
 * in-process scheduler, the cron CLI (dist/cron.js) and the development-only /__scheduled route.
 */
export type CronOutcome =
  | { cron: string; status: 'ran'; elapsed_ms: number }
  | { cron: string; status: 'skipped'; reason: 'lease held' | 'occurrence already run' }
  | { cron: string; status: 'unknown' }
  | { cron: string; status: 'failed'; error: string }

const nameOf = (cron: string) => (Object.keys(CRON) as CronName[]).find((name) => CRON[name] === cron)

export async function runCron(cron: string, options: { lease: CronLease; services: () => Services; occurrence?: number }): Promise<CronOutcome> {
  const name = nameOf(cron)
  const job = CRON_JOBS[cron]
  if (!name || !job) return { cron, status: 'unknown' }
  const release = await options.lease.acquire(name, options.occurrence === undefined ? {} : { occurrence: options.occurrence })
  if (!release) return { cron, status: 'skipped', reason: options.occurrence === undefined ? 'lease held' : 'occurrence already run' }
  const started = Date.now()
  let done = false
  try {
    await job(options.services())
    done = true
    return { cron, status: 'ran', elapsed_ms: Date.now() - started }
  } catch (error) {
    return { cron, status: 'failed', error: error instanceof Error ? error.name : 'error' }
  } finally {
    // Only a success marks the occurrence run: a failed one stays open for the retry (below, or the CronJob's next pod).
    await release({ done }).catch((error: unknown) => console.warn('cron lease release failed', error instanceof Error ? error.name : 'error'))
  }
}

export interface CronScheduler {
  /** Starts what is due at `at` (once per minute per cron); returns the crons started. */
  tick(at: Date): string[]
  /** Stops ticking and waits for the runs in progress. */
  stop(): Promise<void>
}

/** A failed occurrence is run again after 1, 2, 4… minutes (at most 30), until it succeeds or the next occurrence is due. */
export const RETRY_FIRST_MS = 60_000
const RETRY_MAX_MS = 30 * 60_000

/**
 * The in-process scheduler of every Node replica: checks the cron table each second and runs what is
 * due, in UTC; the lease (with the occurrence) makes exactly one replica run each occurrence. The
 * replica whose run failed retries that occurrence (a digest or release-alert run is not lost to a
 * passing outage; every job is idempotent), and the next occurrence replaces a pending retry.
 */
export function startCronScheduler(run: (cron: string, occurrence: number) => Promise<CronOutcome>, options: { crons?: readonly string[]; tickMs?: number } = {}): CronScheduler {
  const crons = options.crons ?? Object.values(CRON)
  const running = new Map<string, Promise<void>>()
  const lastMinute = new Map<string, number>()
  const retries = new Map<string, { occurrence: number; attempt: number; at: number }>()
  const start = (cron: string, occurrence: number, attempt: number, at: number) => {
    const work = run(cron, occurrence)
      .then((outcome) => {
        if (outcome.status !== 'ran') console.log(JSON.stringify({ scheduler: outcome, ...(attempt > 0 ? { attempt } : {}) }))
        if (outcome.status === 'failed') retries.set(cron, { occurrence, attempt: attempt + 1, at: at + Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS) })
      })
      .catch((error: unknown) => console.error(`cron ${cron} failed`, error instanceof Error ? error.name : 'error'))
      .finally(() => running.delete(cron))
    running.set(cron, work)
  }
  const tick = (at: Date) => {
    const minute = Math.floor(at.getTime() / 60_000)
    const started: string[] = []
    for (const cron of crons) {
      if (running.has(cron)) continue
      const retry = retries.get(cron)
      if (lastMinute.get(cron) !== minute && cronMatches(cron, at)) {
        lastMinute.set(cron, minute)
        retries.delete(cron)
        start(cron, minute * 60_000, 0, at.getTime())
      } else if (retry && retry.at <= at.getTime()) {
        retries.delete(cron)
        start(cron, retry.occurrence, retry.attempt, at.getTime())
      } else continue
      started.push(cron)
    }
    return started
  }
  const clock = setInterval(() => tick(new Date()), options.tickMs ?? 1000)
  clock.unref()
  return {
    tick,
    async stop() {
      clearInterval(clock)
      await Promise.all(running.values())
    },
  }
}
