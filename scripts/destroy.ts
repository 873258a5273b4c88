/**
 * npm run destroy: the reverse of deploy. Deletes the worker (and the KV namespace deploy created),
 * then `cdktf destroy` of the environment's stack. A production table has deletion protection:
 * LIFT_DELETION_PROTECTION=true first applies deletion_protection=false, otherwise this stops
 * before touching anything. Same inputs as scripts/deploy.ts.
 */
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
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

  // The worker first, so nothing calls AWS while it goes away. Already gone is fine.
  try {
    run(WRANGLER, ['delete', inputs.workerName, '--force'], { cwd: ROOT, env: quietWrangler })
  } catch (error) {
    console.warn(`wrangler delete: ${error instanceof Error ? error.message : String(error)} (continuing)`)
  }
  if (!inputs.kvNamespaceId) {
    const list = JSON.parse(capture(WRANGLER, ['kv', 'namespace', 'list'], { cwd: tmpdir(), env: quietWrangler })) as { id: string; title: string }[]
    const namespace = list.find((ns) => ns.title === inputs.kvTitle)
    if (namespace) run(WRANGLER, ['kv', 'namespace', 'delete', '--namespace-id', namespace.id], { cwd: tmpdir(), env: quietWrangler })
  }

  run('cdktf', ['destroy', inputs.stack, '--auto-approve'], { cwd: ROOT, env })
  console.log(`\nDestroyed ${inputs.stack} and worker ${inputs.workerName}`)
}

try {
  main()
} catch (error) {
  fail(error)
}
