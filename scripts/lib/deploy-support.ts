/**
 * Shared by scripts/deploy.ts and scripts/destroy.ts: inputs, tool checks, cdktf outputs and the
 * generated wrangler config. Pure functions where possible, so test/ops/deploy.test.ts can hold them.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process'
import { delimiter, join } from 'node:path'
import { existsSync } from 'node:fs'
import { ENVIRONMENTS, readInputs, stackId, type AppInputs, type EnvironmentName } from '../../cdktf/inputs'

/** A problem with a one-line fix: printed as is, without a stack trace. */
export class DeployError extends Error {
  override name = 'DeployError'
}

export interface DeployInputs extends AppInputs {
  environment: EnvironmentName
  stack: string
  workerName: string
  /** Title of the KV namespace created for TMDB_CACHE when KV_NAMESPACE_ID is not given. */
  kvTitle: string
  kvNamespaceId?: string
  /** The R2 bucket of the worker's MEDIA binding (created when missing, deleted by destroy only when asked). */
  mediaBucket: string
  /** The Cloudflare for SaaS zone whose custom hostnames the worker serves (route `*\/*`). */
  saasZone?: string
}

/** Reads and checks what deploy/destroy need; remote state is required here (unlike synth). */
export function readDeployInputs(env: Record<string, string | undefined>, options: { cloudflare?: boolean } = {}): DeployInputs {
  const environment = (env.DEPLOY_ENV || 'prod') as EnvironmentName
  if (!ENVIRONMENTS.includes(environment)) {
    throw new DeployError(`DEPLOY_ENV must be one of ${ENVIRONMENTS.join(', ')} (got "${environment}")`)
  }
  // The transcoder stack alone (`npm run deploy -- --only transcoder`) touches no Cloudflare API.
  const required = options.cloudflare === false ? ['AWS_REGION', 'TF_STATE_BUCKET'] : ['AWS_REGION', 'TF_STATE_BUCKET', 'CLOUDFLARE_API_TOKEN']
  const missing = required.filter((name) => !env[name])
  if (missing.length > 0) {
    throw new DeployError(
      `Missing ${missing.join(', ')}. Deploy and destroy need AWS credentials with AWS_REGION, the Terraform state bucket ` +
        `(TF_STATE_BUCKET, optionally TF_STATE_REGION and TF_STATE_LOCK_TABLE)${options.cloudflare === false ? '' : ' and a Cloudflare API token'}. See docs/setup.md.`,
    )
  }
  const inputs = readInputs({ ...env, STACK_ENVIRONMENTS: environment })
  return {
    ...inputs,
    environment,
    stack: stackId(inputs.prefix, environment),
    workerName: environment === 'prod' ? inputs.prefix : `${inputs.prefix}-${environment}`,
    kvTitle: `${inputs.prefix}-${environment}-tmdb-cache`,
    mediaBucket: `${inputs.prefix}-${environment}-media`,
    ...(env.KV_NAMESPACE_ID ? { kvNamespaceId: env.KV_NAMESPACE_ID } : {}),
    ...(env.CLOUDFLARE_SAAS_ZONE ? { saasZone: env.CLOUDFLARE_SAAS_ZONE } : {}),
  }
}

const INSTALL_HINTS: Record<string, string> = {
  terraform: 'install the Terraform CLI ≥ 1.10 (https://developer.hashicorp.com/terraform/install; CI uses hashicorp/setup-terraform)',
  cdktf: 'npm install -g cdktf-cli@0.21.0',
}

/** The tools from INSTALL_HINTS that are not on PATH. */
export function missingTools(tools: string[], path = process.env.PATH ?? ''): string[] {
  const dirs = path.split(delimiter).filter(Boolean)
  return tools.filter((tool) => !dirs.some((dir) => existsSync(join(dir, tool))))
}

export function requireTools(tools: string[]): void {
  const missing = missingTools(tools)
  if (missing.length === 0) return
  const lines = missing.map((tool) => `  - ${tool}: ${INSTALL_HINTS[tool] ?? 'install it'}`)
  throw new DeployError(`Not on PATH:\n${lines.join('\n')}\n(npm run synth needs neither; deploy and destroy do.)`)
}

/** Runs a command with inherited output; throws a DeployError naming it when it fails. */
export function run(command: string, args: string[], options: SpawnSyncOptions = {}): void {
  console.log(`\n$ ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  if (result.error) throw new DeployError(`${command} could not start: ${result.error.message}`)
  if (result.status !== 0) throw new DeployError(`${command} ${args[0] ?? ''} failed (exit ${result.status})`)
}

/** Runs a command and returns its stdout (stderr passes through). */
export function capture(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options })
  if (result.error) throw new DeployError(`${command} could not start: ${result.error.message}`)
  if (result.status !== 0) throw new DeployError(`${command} ${args.join(' ')} failed (exit ${result.status})`)
  return String(result.stdout)
}

export interface StackOutputs {
  table_name: string
  topic_arn: string
  queue_url: string
  region: string
  worker_user_name: string
  hostname: string
}

const normalize = (key: string) => key.replace(/[-_]/g, '').toLowerCase()

/** Reads one stack's outputs from `cdktf deploy --outputs-file` (keys may be snake or camel case). */
export function parseStackOutputs(json: string, stack: string): StackOutputs {
  const all = JSON.parse(json) as Record<string, Record<string, unknown>>
  const outputs = all[stack]
  if (!outputs) throw new DeployError(`cdktf wrote no outputs for stack ${stack}`)
  const byKey = new Map(Object.entries(outputs).map(([key, value]) => [normalize(key), value]))
  const pick = (name: keyof StackOutputs, required = true) => {
    const value = byKey.get(normalize(name))
    if (required && (typeof value !== 'string' || value === '')) throw new DeployError(`stack output ${name} is missing`)
    return typeof value === 'string' ? value : ''
  }
  return {
    table_name: pick('table_name'),
    topic_arn: pick('topic_arn'),
    queue_url: pick('queue_url'),
    region: pick('region'),
    worker_user_name: pick('worker_user_name'),
    hostname: pick('hostname', false),
  }
}

/** The worker vars that come from the stack (secrets are set separately with `wrangler secret put`). */
export const workerVars = (outputs: StackOutputs): Record<string, string> => ({
  ENVIRONMENT: 'production',
  AWS_REGION: outputs.region,
  DYNAMODB_TABLE: outputs.table_name,
  SNS_TOPIC_ARN: outputs.topic_arn,
  SQS_QUEUE_URL: outputs.queue_url,
  // Emailed links are built from it (required in production); without a hostname the operator sets it.
  ...(outputs.hostname ? { PUBLIC_URL: `https://${outputs.hostname}` } : {}),
})

/**
 * wrangler.toml for a deploy: the repo's file with absolute paths (it is written under .wrangler/),
 * the real KV namespace id, and the vars from the stack. Throws if wrangler.toml changed shape.
 */
export function deployConfig(
  toml: string,
  root: string,
  kvNamespaceId: string,
  vars: Record<string, string>,
  saasZone?: string,
  mediaBucket?: string,
): string {
  const replace = (pattern: RegExp, replacement: string, what: string) => {
    if (!pattern.test(toml)) throw new DeployError(`wrangler.toml: cannot find ${what} to rewrite for deploy`)
    toml = toml.replace(pattern, replacement)
  }
  const quoted = (value: string) => JSON.stringify(value)
  replace(/^main\s*=\s*"([^"]+)"/m, `main = ${quoted(join(root, /^main\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? ''))}`, 'main')
  replace(/^directory\s*=\s*"([^"]+)"/m, `directory = ${quoted(join(root, /^directory\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? ''))}`, 'the assets directory')
  if (!/^[0-9a-f]{32}$/.test(kvNamespaceId)) throw new DeployError(`KV namespace id "${kvNamespaceId}" is not a 32-hex-digit id`)
  replace(/(binding\s*=\s*"TMDB_CACHE"\s*\n(?:#.*\n)*id\s*=\s*)"[^"]*"/, `$1${quoted(kvNamespaceId)}`, 'the TMDB_CACHE namespace id')
  if (mediaBucket) {
    if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(mediaBucket)) throw new DeployError(`R2 bucket name "${mediaBucket}" must be 3-63 lowercase letters, digits and dashes`)
    replace(/(binding\s*=\s*"MEDIA"\s*\n(?:#.*\n)*bucket_name\s*=\s*)"[^"]*"/, `$1${quoted(mediaBucket)}`, 'the MEDIA bucket name')
  }
  if (saasZone) {
    // Cloudflare for SaaS: every custom hostname of the SaaS zone reaches the worker (docs/setup.md §7).
    if (/^routes\s*=/m.test(toml)) throw new DeployError('wrangler.toml already has routes; merge them in scripts/lib/deploy-support.ts')
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(saasZone)) throw new DeployError(`CLOUDFLARE_SAAS_ZONE "${saasZone}" is not a zone name`)
    // Top-level keys must come before the first [table] of a TOML file.
    replace(/^\[/m, `routes = [{ pattern = "*/*", zone_name = ${quoted(saasZone)} }]\n\n[`, 'the first table')
  } else {
    // No hostname of its own yet: workers.dev is the worker's only address (the transcoder and the smoke test use it).
    replace(/^workers_dev\s*=\s*false$/m, 'workers_dev = true', 'workers_dev = false')
  }
  if (/^\[vars\]/m.test(toml)) throw new DeployError('wrangler.toml already has [vars]; merge them in scripts/lib/deploy-support.ts')
  const lines = Object.entries(vars).map(([name, value]) => `${name} = ${quoted(value)}`)
  return `${toml.trimEnd()}\n\n# Added by scripts/deploy.ts from the cdktf stack outputs.\n[vars]\n${lines.join('\n')}\n`
}

/** Finds the KV namespace with this title, creating it if needed; returns its id. */
export function ensureKvNamespace(title: string, wrangler: (args: string[]) => string): string {
  const find = () =>
    (JSON.parse(wrangler(['kv', 'namespace', 'list'])) as { id: string; title: string }[]).find((ns) => ns.title === title)?.id
  const existing = find()
  if (existing) return existing
  wrangler(['kv', 'namespace', 'create', title])
  const created = find()
  if (!created) throw new DeployError(`KV namespace "${title}" was not found after creating it`)
  return created
}

/** The names `wrangler r2 bucket list` prints (`name:  <bucket>` lines, one block per bucket). */
export const r2BucketNames = (listing: string): string[] =>
  // Colour codes (FORCE_COLOR) stripped first: wrangler colours the labels.
  [...listing.replace(/\u001b\[[0-9;]*m/g, '').matchAll(/^name:\s+(\S+)\s*$/gm)].map((match) => match[1]!)

/** Creates the R2 bucket unless it exists (as the KV namespace is ensured). */
export function ensureR2Bucket(name: string, wrangler: (args: string[]) => string): void {
  if (r2BucketNames(wrangler(['r2', 'bucket', 'list'])).includes(name)) return
  wrangler(['r2', 'bucket', 'create', name])
  if (!r2BucketNames(wrangler(['r2', 'bucket', 'list'])).includes(name)) throw new DeployError(`R2 bucket "${name}" was not found after creating it`)
}

export function fail(error: unknown): never {
  console.error(error instanceof DeployError ? `\n${error.message}` : error)
  process.exit(1)
}
