import { createApp } from './app'
import { configFor, type Env } from './config'
import { CRON_JOBS } from './jobs'

const app = createApp()

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    const job = CRON_JOBS[controller.cron]
    if (!job) {
      console.warn(`no job for cron "${controller.cron}"`)
      return
    }
    await job({ config: configFor(env), env, ctx })
  },
} satisfies ExportedHandler<Env>
