/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC as
 * Cloudflare does. Used by the local scheduler of `npm start` and by the Node runtime's scheduler
 * and cron CLI, so every runtime reads the one cron table (src/platform.ts CRON) the same way.
 */

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

/** Whether a five-field cron expression (UTC) fires at `at`. */
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

const MINUTE_MS = 60_000
/** Far enough back for a weekly cron. */
const LOOKBACK_MINUTES = 8 * 24 * 60

/**
 * The start (ms since the epoch) of the latest minute at or before `at` at which `expression` fires,
 * or undefined when none in the last eight days: which occurrence a run at `at` belongs to, so
 * replicas and CronJobs firing a little late still agree on it.
 */
export function latestOccurrence(expression: string, at: Date): number | undefined {
  const start = Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS
  for (let back = 0; back <= LOOKBACK_MINUTES; back++) {
    const minute = start - back * MINUTE_MS
    if (cronMatches(expression, new Date(minute))) return minute
  }
  return undefined
}
