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
  try {
    await job(options.services())
    return { cron, status: 'ran', elapsed_ms: Date.now() - started }
  } catch (error) {
    return { cron, status: 'failed', error: error instanceof Error ? error.name : 'error' }
  } finally {
    await release().catch((error: unknown) => console.warn('cron lease release failed', error instanceof Error ? error.name : 'error'))
  }
}

export interface CronScheduler {
  /** Starts what is due at `at` (once per minute per cron); returns the crons started. */
  tick(at: Date): string[]
  /** Stops ticking and waits for the runs in progress. */
  stop(): Promise<void>
}

/**
 * The in-process scheduler of every Node replica: checks the cron table each second and runs what is
 * due, in UTC; the lease (with the occurrence) makes exactly one replica run each occurrence.
 */
export function startCronScheduler(run: (cron: string, occurrence: number) => Promise<CronOutcome>, options: { crons?: readonly string[]; tickMs?: number } = {}): CronScheduler {
  const crons = options.crons ?? Object.values(CRON)
  const running = new Map<string, Promise<void>>()
  const lastMinute = new Map<string, number>()
  const tick = (at: Date) => {
    const minute = Math.floor(at.getTime() / 60_000)
    const started: string[] = []
    for (const cron of crons) {
      if (lastMinute.get(cron) === minute || running.has(cron) || !cronMatches(cron, at)) continue
      lastMinute.set(cron, minute)
      const work = run(cron, minute * 60_000)
        .then((outcome) => {
          if (outcome.status !== 'ran') console.log(JSON.stringify({ scheduler: outcome }))
        })
        .catch((error: unknown) => console.error(`cron ${cron} failed`, error instanceof Error ? error.name : 'error'))
        .finally(() => running.delete(cron))
      running.set(cron, work)
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
