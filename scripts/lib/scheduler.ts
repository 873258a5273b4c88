/**
 * The local scheduler `npm start` runs beside `wrangler dev`: it fires the cron table
 * (src/platform.ts CRON, the same one wrangler.toml declares) on its schedule, in UTC as
 * Cloudflare does, and drains the event queue every 10 s, both through wrangler's own
 * `/__scheduled?cron=` route (`--test-scheduled`), so local runs see notifications arrive by
 * themselves. A cron whose previous run has not answered yet is skipped, never stacked.
 */

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

/** One cron field: `*`, `*\/n`, `a-b`, `a-b/n`, `n`, and lists of those. */
function fieldMatches(field: string, value: number, min: number): boolean {
  return field.split(',').some((part) => {
    const [range, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    let from: number
    let to: number
    if (range === '*') {
      from = min
      to = Number.MAX_SAFE_INTEGER
    } else if (range!.includes('-')) {
      ;[from, to] = range!.split('-').map(Number) as [number, number]
    } else {
      from = Number(range)
      to = stepText === undefined ? from : Number.MAX_SAFE_INTEGER
    }
    return value >= from && value <= to && (value - from) % step === 0
  })
}

/** Whether a five-field cron expression (minute hour day-of-month month day-of-week, UTC) fires at `at`. */
export function cronMatches(expression: string, at: Date): boolean {
  const fields = expression.trim().split(/\s+/)
  if (fields.length !== 5) throw new Error(`not a five-field cron expression: ${expression}`)
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string]
  const dow = at.getUTCDay()
  return (
    fieldMatches(minute, at.getUTCMinutes(), 0) &&
    fieldMatches(hour, at.getUTCHours(), 0) &&
    fieldMatches(day, at.getUTCDate(), 1) &&
    fieldMatches(month, at.getUTCMonth() + 1, 1) &&
    (fieldMatches(weekday, dow, 0) || (dow === 0 && fieldMatches(weekday, 7, 0)))
  )
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
