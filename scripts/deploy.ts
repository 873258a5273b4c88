/**
 * npm run deploy: one environment's AWS stack (`cdktf deploy`), the R2 media bucket and the KV namespace (created
 * when missing), the worker (`wrangler deploy` with the real ids and the stack's outputs as vars), then the
 * environment's transcoder stack (Fargate, reaching the media through the worker's URL). Secrets (TMDB_READ_TOKEN,
 * JWT_SECRET, PASSWORD_PEPPER, MEDIA_WRITE_SECRET, the worker's AWS key) are set afterwards with `wrangler secret
 * put` (see .github/workflows/ci-cd.yml). `npm run deploy -- --dry-run` prints the steps and changes nothing;
 * `--only app` stops before the transcoder stack and `--only transcoder` deploys it alone (the workflow sets the
 * worker's secrets between the two).
 *
 * Needs terraform and cdktf-cli on PATH, AWS credentials + AWS_REGION, TF_STATE_BUCKET (remote state),
 * CLOUDFLARE_API_TOKEN (+ CLOUDFLARE_ACCOUNT_ID when the token sees several accounts). DEPLOY_ENV=dev|prod;
 * TRANSCODER_IMAGE_DIGEST (sha256:…) picks the transcoder image in the stack's repository.
 */
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deploySteps, type DeployStage } from './lib/deploy-plan'
import { capture, DeployError, fail, readDeployInputs, requireTools, run } from './lib/deploy-support'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUT_DIR = join(ROOT, '.wrangler', 'deploy')
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler')
const quietWrangler = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true' }

function main(): void {
  const dryRun = process.argv.includes('--dry-run')
  // A dry run needs no credential: stand-ins for what only the real run uses.
  const env = dryRun ? { AWS_REGION: 'dry-run', TF_STATE_BUCKET: 'dry-run', CLOUDFLARE_API_TOKEN: 'dry-run', ...process.env } : process.env
  const known = ['--dry-run', '--only', 'app', 'transcoder']
  const unknown = process.argv.slice(2).filter((arg) => !known.includes(arg))
  if (unknown.length > 0) throw new DeployError(`Unknown argument ${unknown.join(' ')}: npm run deploy [-- --dry-run] [--only app|transcoder]`)
  const at = process.argv.indexOf('--only')
  const value = at > 0 ? process.argv[at + 1] : undefined
  if (at > 0 && value !== 'app' && value !== 'transcoder') throw new DeployError(`--only takes app or transcoder, got "${value ?? ''}"`)
  const only = value as DeployStage | undefined
  const inputs = readDeployInputs(env, { cloudflare: only !== 'transcoder' })
  const tools = {
    run,
    wrangler: (args: string[], outsideRepo = false) => capture(WRANGLER, args, { cwd: outsideRepo ? tmpdir() : ROOT, env: quietWrangler }),
  }
  const steps = deploySteps(inputs, { root: ROOT, outDir: OUT_DIR }, tools, env, only)
  if (dryRun) {
    console.log(`npm run deploy${only ? ` --only ${only}` : ''} (${inputs.environment}) would:`)
    steps.forEach((step, i) => console.log(`  ${i + 1}. ${step.title}`))
    return
  }
  requireTools(['terraform', 'cdktf'])
  mkdirSync(OUT_DIR, { recursive: true })
  const state = {}
  for (const step of steps) step.run(state)
  console.log(`\nDeployed ${only === 'transcoder' ? `the transcoder of ${inputs.environment}` : `${inputs.stack} and worker ${inputs.workerName}`}`)
}

try {
  main()
} catch (error) {
  fail(error)
}
