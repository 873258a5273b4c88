/**
 * `node dist/cron.js "<cron expression>" [--now]`: runs the job of one trigger of the cron table once
 * (Kubernetes CronJobs, ECS scheduled tasks), behind the same lease as the servers' schedulers. It
 * counts as the expression's latest occurrence, so it never repeats one a replica already ran with
 * success; `--now` runs it regardless (still never beside another run of the same job). Exit 0 when it
 * ran or was skipped, 1 when it failed (the occurrence stays open, so the CronJob's retry pod runs it
 * again), 2 on a bad expression.
 */
import { ConfigError, parseConfig } from '../../config'
import { latestOccurrence } from '../../jobs/cron-expression'
import { createServices } from '../../services'
import { runCron } from './cron-runner'
import { nodeRuntime, varsFromEnv } from './platform'

const args = process.argv.slice(2)
const cron = args.find((arg) => !arg.startsWith('--'))
if (!cron) {
  console.error('usage: node dist/cron.js "<cron expression>" [--now]')
  process.exit(2)
}
try {
  const vars = varsFromEnv(process.env)
  const config = parseConfig(vars)
  const { platform, deferred, lease } = nodeRuntime(vars, config)
  const occurrence = args.includes('--now') ? undefined : latestOccurrence(cron, new Date())
  const outcome = await runCron(cron, { lease, services: () => createServices({ config, platform }), ...(occurrence === undefined ? {} : { occurrence }) })
  await deferred.settled()
  console.log(JSON.stringify({ cron: outcome }))
  process.exit(outcome.status === 'failed' ? 1 : outcome.status === 'unknown' ? 2 : 0)
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `cron failed: ${error instanceof Error ? error.message : error}`)
  process.exit(error instanceof ConfigError ? 2 : 1)
}
