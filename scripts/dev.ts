/**
 * `npm start`: the whole app on http://127.0.0.1:8787 (HOST, PORT, DATA_DIR override), with
 * DynamoDB Local and fauxqs beside `wrangler dev`. Ctrl-C or SIGTERM stops everything it started.
 * `npm run start:node` (`--node`): the same, with the Node server (src/main/node/) instead of wrangler.
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CRON } from '../src/platform'
import { startDevStack, ROOT, type DevStack } from './lib/dev-stack'
import { addSampleVideos, canTranscode, sampleOperatorOf } from './lib/sample-videos'
import { startScheduler, type Scheduler } from './lib/scheduler'
import { stopAllChildren } from './lib/processes'
import { SetupError } from './local-aws'

export { startDevStack, type DevStack, type DevStackOptions } from './lib/dev-stack'

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

async function main(): Promise<void> {
  const runtime = process.argv.includes('--node') ? 'node' : 'workerd'
  const serverName = runtime === 'node' ? 'the Node server' : 'wrangler dev'
  const port = process.env.PORT ? Number(process.env.PORT) : 8787
  const host = process.env.HOST || '127.0.0.1'
  const dataDir = resolve(ROOT, process.env.DATA_DIR || '.data')
  // Tests point this elsewhere so they never touch the developer's .dev.vars.
  const devVarsPath = process.env.DEV_VARS_PATH ? resolve(process.env.DEV_VARS_PATH) : undefined
  let stack: DevStack | undefined
  let scheduler: Scheduler | undefined
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping ${serverName}, DynamoDB Local, fauxqs and the local SES server…`)
    await scheduler?.stop()
    await (stack ? stack.stop() : stopAllChildren())
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGHUP', () => void shutdown('SIGHUP'))
  // If whatever launched us dies without passing a signal on (e.g. SIGKILL), stop rather than linger.
  const launcher = process.ppid
  setInterval(() => {
    if (process.ppid !== launcher) void shutdown('launcher exited')
  }, 1000).unref()

  // The transcoder needs Debian's ffmpeg; without it the app runs on and says how to install it.
  const transcoder = canTranscode(console.log)
  const samples = transcoder && (process.env.SAMPLE_VIDEOS ?? 'on') !== 'off'
  const sampleOperator = samples ? sampleOperatorOf(dataDir) : undefined
  console.log(`Starting DynamoDB Local, fauxqs and ${serverName} (data in ${dataDir})…`)
  try {
    stack = await startDevStack({
      port, host, dataDir, env: process.env, echo: true, runtime, transcoder,
      operators: sampleOperator ? [sampleOperator.email] : [],
      ...(devVarsPath ? { devVarsPath } : {}),
    })
  } catch (error) {
    if (stopping) return
    await stopAllChildren()
    const message = error instanceof Error ? error.message : String(error)
    console.error(error instanceof SetupError ? message : `npm start failed: ${message}`)
    process.exit(1)
  }
  const { timings } = stack
  // For tools and tests: where it runs and which process groups belong to it.
  writeFileSync(join(dataDir, 'dev-state.json'), JSON.stringify({ url: stack.url, pids: stack.pids, timings }, null, 2))
  console.log(
    `\n  Ready on ${stack.url}  (started in ${seconds(timings.totalMs)}: DynamoDB Local + fauxqs ${seconds(timings.awsMs)}, ` +
      `${serverName} ${seconds(timings.wranglerMs)}, side by side)\n  Cron: ${stack.url}/__scheduled?cron=*/5+*+*+*+*   Stop: Ctrl-C\n`,
  )
  // Emails (verification, password reset, digests) land in the local SES server's inbox page.
  if (stack.vars.SES_ENDPOINT === stack.aws.endpoints.ses) console.log(`  Email inbox (local SES): ${stack.aws.endpoints.ses}/\n`)
  else console.log(`  Email: sent through SES_ENDPOINT=${stack.vars.SES_ENDPOINT ?? 'AWS'}\n`)
  // Sample videos (SAMPLE_VIDEOS=off: none): made once, in the background, while the app already answers.
  if (sampleOperator && stack.vars.SES_ENDPOINT === stack.aws.endpoints.ses) {
    const { url } = stack
    void addSampleVideos({ url, dataDir, inboxUrl: stack.aws.endpoints.ses, operator: sampleOperator, log: console.log }).catch((error: unknown) =>
      console.log(`Sample videos: not added (${error instanceof Error ? error.message : String(error)})`),
    )
  }
  // The crons on their schedule and a queue drain every 10 s (LOCAL_SCHEDULER=off: only by hand, as above).
  if (process.env.LOCAL_SCHEDULER !== 'off') {
    scheduler = startScheduler({ url: stack.url, crons: Object.values(CRON), drainCron: CRON.drainEvents })
    console.log(`  Scheduler: ${Object.values(CRON).join(', ')} on schedule (UTC); queue drained every 10 s\n`)
  }
  const code = await stack.wrangler.exited
  if (!stopping) {
    console.error(`${serverName} exited (${code}); stopping DynamoDB Local and fauxqs.`)
    await stack.stop()
    process.exit(1)
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main()
}
