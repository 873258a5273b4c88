/**
 * npm run deploy: `cdktf deploy` of one environment's stack, then `wrangler deploy` of the worker with
 * the real KV namespace id and the stack's outputs as vars. Secrets (TMDB_READ_TOKEN, JWT_SECRET, the
 * worker's AWS key) are set afterwards with `wrangler secret put` (see .github/workflows/ci-cd.yml).
 *
 * Needs terraform and cdktf-cli on PATH, AWS credentials + AWS_REGION, TF_STATE_BUCKET (remote state),
 * CLOUDFLARE_API_TOKEN (+ CLOUDFLARE_ACCOUNT_ID when the token sees several accounts). DEPLOY_ENV=dev|prod.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  capture,
  deployConfig,
  ensureKvNamespace,
  fail,
  parseStackOutputs,
  readDeployInputs,
  requireTools,
  run,
  workerVars,
} from './lib/deploy-support'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUT_DIR = join(ROOT, '.wrangler', 'deploy')
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler')
const quietWrangler = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true' }

function main(): void {
  const inputs = readDeployInputs(process.env)
  requireTools(['terraform', 'cdktf'])
  mkdirSync(OUT_DIR, { recursive: true })
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', STACK_ENVIRONMENTS: inputs.environment }

  const outputsFile = join(OUT_DIR, 'cdktf-outputs.json')
  run('cdktf', ['deploy', inputs.stack, '--auto-approve', '--outputs-file', outputsFile], { cwd: ROOT, env })
  const outputs = parseStackOutputs(readFileSync(outputsFile, 'utf8'), inputs.stack)

  // KV commands run outside the repo so wrangler does not prefix the title with the worker name.
  const kvWrangler = (args: string[]) => capture(WRANGLER, args, { cwd: tmpdir(), env: quietWrangler })
  const kvNamespaceId = inputs.kvNamespaceId ?? ensureKvNamespace(inputs.kvTitle, kvWrangler)

  const configFile = join(OUT_DIR, 'wrangler.toml')
  writeFileSync(configFile, deployConfig(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'), ROOT, kvNamespaceId, workerVars(outputs), inputs.saasZone))
  const deployed = capture(WRANGLER, ['deploy', '-c', configFile, '--name', inputs.workerName], { cwd: ROOT, env: quietWrangler })
  process.stdout.write(deployed)

  const workerUrl = outputs.hostname ? `https://${outputs.hostname}` : (/https:\/\/\S+\.workers\.dev/.exec(deployed)?.[0] ?? '')
  const summary = { environment: inputs.environment, worker_name: inputs.workerName, worker_url: workerUrl, kv_namespace_id: kvNamespaceId, ...outputs }
  // Read by the workflow's secret step (worker name, IAM user for the access key) and its smoke test.
  writeFileSync(join(OUT_DIR, 'outputs.json'), `${JSON.stringify(summary, null, 2)}\n`)
  console.log(`\nDeployed ${inputs.stack}: worker ${inputs.workerName}${workerUrl ? ` at ${workerUrl}` : ''}`)
}

try {
  main()
} catch (error) {
  fail(error)
}
