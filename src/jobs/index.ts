import { drainEvents, type DrainReport } from '../events/dispatcher'
import { runReleaseAlertsJob } from '../notifications/release-alerts'
import { CRON, type CronName } from '../platform'
import type { Services } from '../services'

/** A cron job: it gets the services, like a route does, never the adapters. */
export type Job = (services: Services) => Promise<void>

/** Drains the event queue (cron every 5 minutes): first the outbox's leftovers to SNS, then events → their handlers (notifications). */
export const drainEventQueue: Job = async (services) => {
  const flushed = await services.flushOutbox().catch((error: unknown) => {
    console.error('outbox flush failed', error instanceof Error ? error.name : 'error')
    return { published: 0, failed: 1, dead: 0 }
  })
  if (flushed.published + flushed.failed + flushed.dead > 0) console.log(JSON.stringify({ job: 'flush-outbox', ...flushed }))
  const { queue, securityQueue, handlers, once } = services.events
  if (!queue) console.warn('SQS_QUEUE_URL is unset: the event queue is not drained')
  else {
    // Security notices first, whatever waits on the notifications queue (audit 3, M4). A security queue that cannot
    // be read (a deployment older than it) must not hold back the notifications.
    if (securityQueue) {
      await drainLogged('drain-security-queue', () => drainEvents({ queue: securityQueue, handlers, once, maxMillis: 5_000 })).catch((error: unknown) =>
        console.error('drain-security-queue failed', error instanceof Error ? error.name : 'error'),
      )
    }
    await drainLogged('drain-event-queue', () => drainEvents({ queue, handlers, once }))
  }
  // After the notifications: deleted videos' files can wait, people's notifications should not.
  await removeDeletedVideos(services)
}

async function drainLogged(job: string, drain: () => Promise<DrainReport>): Promise<void> {
  const started = Date.now()
  const report = await drain()
  console.log(JSON.stringify({ job, ...report, elapsed_ms: Date.now() - started }))
}

/** Deleted videos' objects, ≤ 1,000 at a time (every 5 minutes, with the drain): never inside a request. A failure waits for the next run. */
export const removeDeletedVideos: Job = async (services) => {
  const report = await services.videos.removeDeleted().catch((error: unknown) => {
    console.error('video cleanup failed', error instanceof Error ? error.name : 'error')
    return { deleted: 0, pending: 0, failed: 1 }
  })
  if (report.deleted + report.pending + report.failed > 0) console.log(JSON.stringify({ job: 'remove-deleted-videos', ...report }))
}

/** Finds films now playing and alerts the users who listed them or follow their genres (daily cron). */
export const runReleaseAlerts: Job = async (services) => {
  const started = Date.now()
  const report = await runReleaseAlertsJob(services.releaseAlerts)
  console.log(JSON.stringify({ job: 'release-alerts', ...report, elapsed_ms: Date.now() - started }))
}

/** Rebuilds the item–item neighbour lists of every film whose like counters changed yesterday or today (daily cron). */
export const refreshRecommendations: Job = async (services) => {
  const started = Date.now()
  const films = await services.collaborative.refreshTouched()
  console.log(JSON.stringify({ job: 'refresh-recommendations', films, elapsed_ms: Date.now() - started }))
}

/** The daily trigger (`0 6 * * *`, per the contract): release alerts, then the recommendations refresh, each failing alone. */
const daily: Job = async (services) => {
  const results = await Promise.allSettled([runReleaseAlerts(services), refreshRecommendations(services)])
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed) throw failed.reason
}

/** Queues this week's digest for every user who opted in (the queue consumer sends them). */
export const runWeeklyDigest: Job = async (services) => {
  const started = Date.now()
  const report = await services.mail.weeklyDigest()
  console.log(JSON.stringify({ job: 'weekly-digest', ...report, elapsed_ms: Date.now() - started }))
}

const JOBS: Record<CronName, Job> = {
  drainEvents: drainEventQueue,
  releaseAlerts: daily,
  weeklyDigest: runWeeklyDigest,
}

/** Cron expression (src/platform.ts CRON, as declared in wrangler.toml) → job. */
export const CRON_JOBS: Record<string, Job> = Object.fromEntries(
  (Object.keys(CRON) as CronName[]).map((name) => [CRON[name], JOBS[name]]),
)
