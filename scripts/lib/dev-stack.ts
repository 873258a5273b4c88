/**
 * The whole app locally, the way `npm start` runs it: DynamoDB Local + fauxqs (bootstrapped),
 * `.dev.vars` refreshed, shell overrides applied, config validated, then `wrangler dev`.
 * Used by scripts/dev.ts and by the e2e test setup.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseConfig } from '../../src/config'
import { DEFAULT_PREFIX } from '../../infra/resources'
import { checkJava, LOCAL_REGION, localServerVars, SetupError, startLocalAws, type LocalAws } from '../local-aws'
import { generatedDefaults, parseDevVars, SERVER_VARS, shellOverrides, toWranglerVars, updateDevVars } from './dev-vars'
import { freePort, isPortBusy, spawnGroup, waitUntil, type Child } from './processes'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const WRANGLER_BIN = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js')

export const QUIET_WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
} as const

export interface DevStackOptions {
  /** Default 8787. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** DynamoDB data (dynamodb/), KV and R2 (wrangler/) and the Node runtime's media (media/) live here; default `.data`. */
  dataDir?: string
  /** Variables that override .dev.vars (npm start passes the shell's environment). */
  env?: NodeJS.ProcessEnv
  /** The .dev.vars file to read and refresh; default `<repo>/.dev.vars`. */
  devVarsPath?: string
  /** Copy wrangler's output to ours (npm start) instead of only keeping it for error messages. */
  echo?: boolean
  /** Which runtime serves the app: `wrangler dev` (npm start, the default) or the Node server (npm run start:node). */
  runtime?: 'workerd' | 'node'
  /** Start the transcoder (`npm run transcoder`) beside the app once it answers: what npm start does; off for stacks that upload nothing. */
  transcoder?: boolean
  /** Addresses added to ADMIN_EMAILS (the sample videos' own operator). */
  operators?: string[]
}

export interface DevStack {
  url: string
  aws: LocalAws
  /** The app's server process: `wrangler dev`, or the Node server under `runtime: 'node'` (same as `server`). */
  wrangler: Child
  server: Child
  /** The transcoder, when started. */
  transcoder?: Child
  /** Leaders of every process group started (DynamoDB Local, fauxqs, wrangler + workerd, the transcoder). */
  pids: number[]
  /** The values the worker runs with. */
  vars: Record<string, string>
  /** Time until the stand-ins were bootstrapped and until /healthz answered (they start together), and in all. */
  timings: { awsMs: number; wranglerMs: number; totalMs: number }
  stop(): Promise<void>
}

const probeHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)
const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host)

async function healthy(url: string): Promise<boolean> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })
  await response.body?.cancel()
  return response.status === 200
}

function validate(vars: Record<string, string>): void {
  try {
    parseConfig(vars)
  } catch (error) {
    throw new SetupError(error instanceof Error ? error.message : String(error))
  }
}

/** Starts `wrangler dev` with these values and resolves once /healthz answers 200. */
async function runWrangler(vars: Record<string, string>, at: { host: string; port: number; url: string; dataDir: string; echo: boolean }): Promise<Child> {
  const { envFile, cliVars } = toWranglerVars(vars)
  const envFilePath = join(at.dataDir, 'wrangler-vars.env')
  writeFileSync(envFilePath, envFile, { mode: 0o600 })
  chmodSync(envFilePath, 0o600)
  // wrangler's own pick of a debugger port (9229, else the next free one) races with any other wrangler starting on
  // this machine at the same moment ("Address already in use 127.0.0.1:9230"): take a free one first.
  const inspectorPort = await freePort('127.0.0.1')
  const wrangler = spawnGroup(
    'wrangler dev',
    process.execPath,
    [
      WRANGLER_BIN, 'dev', '-c', join(ROOT, 'wrangler.toml'),
      '--ip', at.host, '--port', String(at.port),
      '--inspector-port', String(inspectorPort),
      '--test-scheduled',
      '--persist-to', join(at.dataDir, 'wrangler'),
      '--env-file', envFilePath,
      '--show-interactive-dev-session=false',
      ...cliVars.flatMap((pair) => ['--var', pair]),
    ],
    { cwd: ROOT, env: { ...process.env, ...QUIET_WRANGLER_ENV }, echo: at.echo },
  )
  try {
    await waitUntil('wrangler dev', () => healthy(at.url), { child: wrangler, timeoutMs: 120_000, intervalMs: 250 })
    return wrangler
  } catch (error) {
    await wrangler.stop()
    const busy = /EADDRINUSE|address already in use/i.test(wrangler.output()) && wrangler.output().includes(`:${at.port}`)
    throw busy ? new SetupError(`Port ${at.port} on ${at.host} is already in use. Pick another: PORT=${at.port + 1} npm start`) : error
  }
}

const NODE_ENTRY = join(ROOT, 'src/main/node/serve.ts')

/**
 * The Node server (src/main/node/serve.ts, from source through tsx) with these values as its environment;
 * resolves once /healthz answers 200. Its own cron scheduler is off: the local scheduler drives it through
 * /__scheduled, as it drives wrangler. Media goes to `<dataDir>/media` unless MEDIA_DIR or MEDIA_S3_BUCKET says
 * otherwise, so uploaded videos survive a restart as DynamoDB's data does (wrangler keeps its R2 under --persist-to).
 */
async function runNodeServer(vars: Record<string, string>, at: { host: string; port: number; url: string; dataDir: string; echo: boolean }): Promise<Child> {
  const server = spawnGroup('node server', process.execPath, ['--import', 'tsx', NODE_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, MEDIA_DIR: join(at.dataDir, 'media'), ...vars, PORT: String(at.port), HOST: at.host, CRON_SCHEDULER: 'off' },
    echo: at.echo,
  })
  try {
    await waitUntil('the Node server', () => healthy(at.url), { child: server, timeoutMs: 120_000, intervalMs: 250 })
    return server
  } catch (error) {
    await server.stop()
    const busy = /EADDRINUSE|already in use/i.test(server.output())
    throw busy ? new SetupError(`Port ${at.port} on ${at.host} is already in use. Pick another: PORT=${at.port + 1} npm run start:node`) : error
  }
}

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const started = Date.now()
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 8787
  const dataDir = resolve(options.dataDir ?? join(ROOT, '.data'))
  const devVarsPath = options.devVarsPath ?? join(ROOT, '.dev.vars')
  const url = `http://${urlHost(probeHost(host))}:${port}`
  const at = { host, port, url, dataDir, echo: options.echo ?? false }
  const runServer = options.runtime === 'node' ? runNodeServer : runWrangler
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SetupError(`PORT must be a port number (1-65535), got ${port}`)
  if (await isPortBusy(port, host)) {
    throw new SetupError(`Port ${port} on ${host} is already in use (another \`npm start\`?). Stop it, or pick another: PORT=${port + 1} npm start`)
  }

  checkJava()
  const existing = existsSync(devVarsPath) ? readFileSync(devVarsPath, 'utf8') : ''
  const defaults = generatedDefaults()
  const fileVars = { ...defaults, ...parseDevVars(existing) }
  const overrides = withOperators(shellOverrides(options.env ?? {}, fileVars), fileVars, options.operators ?? [])
  // Fail fast on a bad value before starting anything (server lines come later).
  validate({ ...fileVars, ...overrides })
  const wanted = { ...fileVars, ...overrides }
  const prefix = wanted.DYNAMODB_TABLE ?? DEFAULT_PREFIX
  const region = wanted.AWS_REGION ?? LOCAL_REGION

  /** Refreshes .dev.vars with these server lines; returns the values the worker gets. */
  const writeVars = (server: Record<string, string>) => {
    const refreshed = updateDevVars(existing, server, defaults)
    writeFileSync(devVarsPath, refreshed, { mode: 0o600 })
    const vars = { ...parseDevVars(refreshed), ...overrides }
    validate(vars)
    return vars
  }

  // The AWS stand-ins' addresses are known before they run, so wrangler starts alongside them
  // instead of after (the two dominate start-up time).
  mkdirSync(dataDir, { recursive: true })
  const ports = { dynamodb: await freePort(), sqs: await freePort(), ses: await freePort() }
  // Emailed links point at this server (a shell-set PUBLIC_URL wins, like every variable).
  const predicted: Record<string, string> = { ...localServerVars(region, prefix, ports), PUBLIC_URL: url }
  let vars = writeVars(predicted)
  const awsStarted = Date.now()
  let awsMs = 0
  let wranglerMs = 0
  const [awsResult, wranglerResult] = await Promise.allSettled([
    startLocalAws({ dataDir: join(dataDir, 'dynamodb'), prefix, region, ports }).then((aws) => {
      awsMs = Date.now() - awsStarted
      return aws
    }),
    runServer(vars, at).then((child) => {
      wranglerMs = Date.now() - awsStarted
      return child
    }),
  ])
  if (awsResult.status === 'rejected' || wranglerResult.status === 'rejected') {
    if (awsResult.status === 'fulfilled') await awsResult.value.stop()
    if (wranglerResult.status === 'fulfilled') await wranglerResult.value.stop()
    throw awsResult.status === 'rejected' ? awsResult.reason : (wranglerResult as PromiseRejectedResult).reason
  }
  const aws = awsResult.value
  let wrangler = wranglerResult.value
  try {
    const actual = Object.fromEntries(SERVER_VARS.map((key) => [key, key === 'PUBLIC_URL' ? url : aws.vars[key]!]))
    if (SERVER_VARS.some((key) => actual[key] !== predicted[key])) {
      // An emulator named something differently than predicted: restart wrangler with the real values.
      await wrangler.stop()
      vars = writeVars(actual)
      wrangler = await runServer(vars, at)
      wranglerMs = Date.now() - awsStarted
    }
  } catch (error) {
    await aws.stop()
    throw error
  }
  const finalWrangler = wrangler
  const transcoder = options.transcoder ? runTranscoder(vars, aws.vars, { ...at, runtime: options.runtime ?? 'workerd' }) : undefined
  return {
    url,
    aws,
    wrangler: finalWrangler,
    server: finalWrangler,
    ...(transcoder ? { transcoder } : {}),
    pids: [...aws.pids, finalWrangler.pid, ...(transcoder ? [transcoder.pid] : [])],
    vars,
    timings: { awsMs, wranglerMs, totalMs: Date.now() - started },
    stop: async () => {
      await transcoder?.stop()
      // Its jobs' folders go with each job; the scratch folder itself with the stack.
      if (transcoder) rmSync(transcoderScratch(at.port), { recursive: true, force: true })
      await finalWrangler.stop()
      await aws.stop()
    },
  }
}

/**
 * `npm run transcoder` beside the app, with the app's values. Under wrangler dev only the worker reaches local R2,
 * so the transcoder goes through the app's signed internal routes (TRANSCODER_MEDIA_URL); beside the Node server it
 * uses the same media folder directly. It does not hold up the start: it waits on its queue. Its scratch folder is
 * under the system's temporary folder (one per port), which the tools reach when they run as `nobody`; a data folder
 * may be closed to other users (the tests' are).
 */
const transcoderScratch = (port: number) => join(tmpdir(), `flixpeek-transcoder-${port}`)

function runTranscoder(vars: Record<string, string>, aws: Record<string, string>, at: { url: string; port: number; dataDir: string; echo: boolean; runtime: 'workerd' | 'node' }): Child {
  // As the Node server's: the stack's media folder unless the values name another (or a bucket).
  const media = at.runtime === 'node' ? { MEDIA_DIR: join(at.dataDir, 'media'), ...vars } : { ...vars, TRANSCODER_MEDIA_URL: at.url }
  return spawnGroup('transcoder', process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/node/transcoder.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...media, TRANSCODE_QUEUE_URL: aws.TRANSCODE_QUEUE_URL!, TRANSCODE_SCRATCH_DIR: transcoderScratch(at.port) },
    echo: at.echo,
  })
}

/** The overrides with `operators` added to whatever ADMIN_EMAILS the shell or .dev.vars give. */
function withOperators(overrides: Record<string, string>, fileVars: Record<string, string>, operators: string[]): Record<string, string> {
  if (operators.length === 0) return overrides
  const current = (overrides.ADMIN_EMAILS ?? fileVars.ADMIN_EMAILS ?? '').split(',').map((address) => address.trim()).filter(Boolean)
  return { ...overrides, ADMIN_EMAILS: [...new Set([...current, ...operators])].join(',') }
}
