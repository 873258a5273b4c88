import type { Config, Env } from '../config'
import { drainQueue } from '../notifications/consumer'
import { runReleaseAlertsJob } from '../notifications/release-alerts'
import { createServices } from '../services'

export interface JobContext {
  config: Config
  env: Env
  ctx: ExecutionContext
}

export type Job = (job: JobContext) => Promise<void>

const servicesFor = ({ config, env, ctx }: JobContext) => createServices({ config, env, executionCtx: ctx })

/** Drains the notification queue (cron every 5 minutes): events → notifications. */
export const drainNotificationQueue: Job = async (job) => {
  const queueUrl = job.config.SQS_QUEUE_URL
  if (!queueUrl) {
    console.warn('SQS_QUEUE_URL is unset: the notification queue is not drained')
    return
  }
  const services = servicesFor(job)
  const started = Date.now()
  const report = await drainQueue({
    queueUrl,
    sqs: services.sqs,
    db: services.db,
    table: job.config.DYNAMODB_TABLE,
    store: services.notifications,
    catalog: services.catalog,
  })
  console.log(JSON.stringify({ job: 'drain-notification-queue', ...report, elapsed_ms: Date.now() - started }))
}

/** Finds films now playing and alerts the users who listed them or follow their genres (daily cron). */
export const runReleaseAlerts: Job = async (job) => {
  const services = servicesFor(job)
  const started = Date.now()
  const report = await runReleaseAlertsJob({
    db: services.db,
    table: job.config.DYNAMODB_TABLE,
    store: services.notifications,
    catalog: services.catalog,
  })
  console.log(JSON.stringify({ job: 'release-alerts', ...report, elapsed_ms: Date.now() - started }))
}

/** Cron expression (as declared in wrangler.toml) → job. */
export const CRON_JOBS: Record<string, Job> = {
  '*/5 * * * *': drainNotificationQueue,
  '0 6 * * *': runReleaseAlerts,
}
