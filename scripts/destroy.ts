/**
 * npm run destroy: the reverse of deploy (scripts/lib/deploy-plan.ts destroySteps): the worker and the KV namespace
 * deploy created, the environment's transcoder stack, then its app stack. A production table has deletion
 * protection: LIFT_DELETION_PROTECTION=true first applies deletion_protection=false, otherwise this stops before
 * touching anything. The R2 media bucket (the videos) stays unless DELETE_MEDIA_BUCKET=true, like the table's
 * data. Same inputs as scripts/deploy.ts.
 */
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { destroySteps } from './lib/deploy-plan'
import { capture, DeployError, fail, readDeployInputs, requireTools, run } from './lib/deploy-support'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler')
const quietWrangler = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true' }

function main(): void {
  const inputs = readDeployInputs(process.env)
  requireTools(['terraform', 'cdktf'])
  const lift = process.env.LIFT_DELETION_PROTECTION === 'true'
  if (inputs.environment === 'prod' && !lift) {
    throw new DeployError(
      'The prod table has deletion protection. Re-run with LIFT_DELETION_PROTECTION=true ' +
        '(destroy.yml: lift_deletion_protection) to delete it and its data. Nothing was destroyed.',
    )
  }
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    STACK_ENVIRONMENTS: inputs.environment,
    ...(lift ? { TF_VAR_deletion_protection: 'false' } : {}),
  }
  if (lift) run('cdktf', ['deploy', inputs.stack, '--auto-approve'], { cwd: ROOT, env })
  const tools = {
    run,
    wrangler: (args: string[], outsideRepo = false) => capture(WRANGLER, args, { cwd: outsideRepo ? tmpdir() : ROOT, env: quietWrangler }),
  }
  for (const step of destroySteps(inputs, { root: ROOT, outDir: tmpdir() }, tools, env, process.env.DELETE_MEDIA_BUCKET === 'true')) step.run({})
  console.log(`\nDestroyed ${inputs.stack} and worker ${inputs.workerName}`)
}

try {
  main()
} catch (error) {
  fail(error)
}
