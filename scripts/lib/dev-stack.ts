/**
 * The whole app locally, the way `npm start` runs it: DynamoDB Local + fauxqs (bootstrapped),
 * `.dev.vars` refreshed, shell overrides applied, config validated, then `wrangler dev`.
 * Used by scripts/dev.ts and by the e2e test setup.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseConfig } from '../../src/config'
import { SetupError, startLocalAws, type LocalAws } from '../local-aws'
import { generatedDefaults, parseDevVars, SERVER_VARS, shellOverrides, toWranglerVars, updateDevVars } from './dev-vars'
import { isPortBusy, spawnGroup, waitUntil, type Child } from './processes'

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
  /** DynamoDB data (dynamodb/) and KV (wrangler/) live here; default `.data`. */
  dataDir?: string
  /** Variables that override .dev.vars (npm start passes the shell's environment). */
  env?: NodeJS.ProcessEnv
  /** The .dev.vars file to read and refresh; default `<repo>/.dev.vars`. */
  devVarsPath?: string
  /** Copy wrangler's output to ours (npm start) instead of only keeping it for error messages. */
  echo?: boolean
}

export interface DevStack {
  url: string
  aws: LocalAws
  wrangler: Child
  /** Leaders of every process group started (DynamoDB Local, fauxqs, wrangler + workerd). */
  pids: number[]
  /** The values the worker runs with. */
  vars: Record<string, string>
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

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const started = Date.now()
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 8787
  const dataDir = resolve(options.dataDir ?? join(ROOT, '.data'))
  const devVarsPath = options.devVarsPath ?? join(ROOT, '.dev.vars')
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SetupError(`PORT must be a port number (1-65535), got ${port}`)
  if (await isPortBusy(port, host)) {
    throw new SetupError(`Port ${port} on ${host} is already in use (another \`npm start\`?). Stop it, or pick another: PORT=${port + 1} npm start`)
  }

  const existing = existsSync(devVarsPath) ? readFileSync(devVarsPath, 'utf8') : ''
  const defaults = generatedDefaults()
  const fileVars = { ...defaults, ...parseDevVars(existing) }
  const overrides = shellOverrides(options.env ?? {}, fileVars)
  // Fail fast on a bad value before starting anything (server lines come later).
  validate({ ...fileVars, ...overrides })
  const wanted = { ...fileVars, ...overrides }

  mkdirSync(dataDir, { recursive: true })
  const awsStarted = Date.now()
  const aws = await startLocalAws({ dataDir: join(dataDir, 'dynamodb'), prefix: wanted.DYNAMODB_TABLE ?? 'netflix-clone', region: wanted.AWS_REGION ?? 'us-east-1' })
  const awsMs = Date.now() - awsStarted
  try {
    const server = Object.fromEntries(SERVER_VARS.map((key) => [key, aws.vars[key]!]))
    const refreshed = updateDevVars(existing, server, defaults)
    writeFileSync(devVarsPath, refreshed, { mode: 0o600 })
    const vars = { ...parseDevVars(refreshed), ...overrides }
    validate(vars)

    const { envFile, cliVars } = toWranglerVars(vars)
    const envFilePath = join(dataDir, 'wrangler-vars.env')
    writeFileSync(envFilePath, envFile, { mode: 0o600 })
    chmodSync(envFilePath, 0o600)
    const wranglerStarted = Date.now()
    const wrangler = spawnGroup(
      'wrangler dev',
      process.execPath,
      [
        WRANGLER_BIN, 'dev', '-c', join(ROOT, 'wrangler.toml'),
        '--ip', host, '--port', String(port),
        '--test-scheduled',
        '--persist-to', join(dataDir, 'wrangler'),
        '--env-file', envFilePath,
        '--show-interactive-dev-session=false',
        ...cliVars.flatMap((pair) => ['--var', pair]),
      ],
      { cwd: ROOT, env: { ...process.env, ...QUIET_WRANGLER_ENV }, echo: options.echo ?? false },
    )
    const url = `http://${urlHost(probeHost(host))}:${port}`
    const stopAll = async () => {
      await wrangler.stop()
      await aws.stop()
    }
    try {
      await waitUntil('wrangler dev', () => healthy(url), { child: wrangler, timeoutMs: 120_000, intervalMs: 250 })
    } catch (error) {
      await stopAll()
      const busy = /EADDRINUSE|address already in use/i.test(wrangler.output())
      throw busy ? new SetupError(`Port ${port} on ${host} is already in use. Pick another: PORT=${port + 1} npm start`) : error
    }
    return {
      url,
      aws,
      wrangler,
      pids: [...aws.pids, wrangler.pid],
      vars,
      timings: { awsMs, wranglerMs: Date.now() - wranglerStarted, totalMs: Date.now() - started },
      stop: stopAll,
    }
  } catch (error) {
    await aws.stop()
    throw error
  }
}
