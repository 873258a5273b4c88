/**
 * The local scheduler `npm start` runs beside `wrangler dev`: it fires the cron table
 * (src/platform.ts CRON, the same one wrangler.toml declares) on its schedule, in UTC as
 * Cloudflare does, and drains the event queue every 10 s, both through wrangler's own
 * `/__scheduled?cron=` route (`--test-scheduled`), so local runs see notifications arrive by
 * themselves. A cron whose previous run has not answered yet is skipped, never stacked.
 */

// The expression rules are shared with the Node runtime's scheduler and cron CLI.
import { cronMatches } from '../../src/jobs/cron-expression'
export { cronMatches }

export interface SchedulerOptions {
  /** The dev server, e.g. http://127.0.0.1:8787. */
  url: string
  /** Cron expressions to run on their schedule. */
  crons: readonly string[]
  /** Fired every `drainEveryMs` as well as on its schedule (the queue drain). */
  drainCron: string
  drainEveryMs?: number
  /** How often the clock is checked for due crons (ms). */
  tickMs?: number
  now?: () => Date
  fetch?: typeof fetch
  log?: (line: string) => void
}

export interface Scheduler {
  /** Fires what is due at `at` (once per minute per cron); returns the crons fired. */
  tick(at: Date): string[]
  /** Resolves when every run in progress has answered (a cron still running is skipped, not fired twice). */
  settled(): Promise<void>
  stop(): Promise<void>
}

export function scheduledUrl(base: string, cron: string): string {
  return `${base}/__scheduled?cron=${encodeURIComponent(cron).replace(/%20/g, '+')}`
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const send = options.fetch ?? fetch
  const now = options.now ?? (() => new Date())
  const log = options.log ?? ((line: string) => console.log(line))
  const running = new Map<string, Promise<void>>()
  const lastMinute = new Map<string, number>()

  const fire = (cron: string) => {
    if (running.has(cron)) return false
    const run = send(scheduledUrl(options.url, cron), { signal: AbortSignal.timeout(120_000) })
      .then(async (res) => {
        await res.body?.cancel()
        if (!res.ok) log(`scheduler: ${cron} answered ${res.status}`)
      })
      .catch((error: unknown) => log(`scheduler: ${cron} failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => running.delete(cron))
    running.set(cron, run)
    return true
  }

  const tick = (at: Date) => {
    const minute = Math.floor(at.getTime() / 60_000)
    const fired: string[] = []
    for (const cron of options.crons) {
      if (lastMinute.get(cron) === minute || !cronMatches(cron, at)) continue
      lastMinute.set(cron, minute)
      if (fire(cron)) fired.push(cron)
    }
    return fired
  }

  const clock = setInterval(() => tick(now()), options.tickMs ?? 1000)
  const drain = setInterval(() => fire(options.drainCron), options.drainEveryMs ?? 10_000)
  clock.unref()
  drain.unref()
  const settled = async () => {
    await Promise.all(running.values())
  }
  return {
    tick,
    settled,
    stop: async () => {
      clearInterval(clock)
      clearInterval(drain)
      await settled()
    },
  }
}
