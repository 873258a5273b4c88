import type { Config, Env } from '../config'

export interface JobContext {
  config: Config
  env: Env
  ctx: ExecutionContext
}

export type Job = (job: JobContext) => Promise<void>

/** Drains the notification queue (cron every 5 minutes). Filled in by the notifications work. */
export const drainNotificationQueue: Job = async () => {}

/** Finds new releases and alerts the users who care (daily cron). Filled in by the notifications work. */
export const runReleaseAlerts: Job = async () => {}

/** Cron expression (as declared in wrangler.toml) → job. */
export const CRON_JOBS: Record<string, Job> = {
  '*/5 * * * *': drainNotificationQueue,
  '0 6 * * *': runReleaseAlerts,
}
