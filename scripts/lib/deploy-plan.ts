/**
 * What `npm run deploy` does, in order, as a list of steps: the script runs them, `npm run deploy -- --dry-run`
 * prints them (and needs no credential, terraform or network). Each step reads what earlier ones found through
 * the shared state (the stack's outputs, the KV namespace id, the worker's URL).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ecsStackId, hasTranscoderStack, kubernetesStackId, MEDIA_WRITE_SECRET_PARAMETER, transcoderStackId } from '../../cdktf/inputs'
import { DeployError, deployConfig, ensureKvNamespace, ensureR2Bucket, parseStackOutputs, r2BucketNames, workerVars, type DeployInputs, type StackOutputs } from './deploy-support'

export interface DeployTools {
  /** Runs a command with its output shown; throws when it fails. */
  run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): void
  /** Runs wrangler and returns its stdout. `outsideRepo`: in a temporary folder (KV and R2 titles get no worker prefix). */
  wrangler(args: string[], outsideRepo?: boolean): string
}

export interface DeployPaths {
  root: string
  outDir: string
}

interface DeployState {
  outputs?: StackOutputs
  kvNamespaceId?: string
  deployed?: string
  workerUrl?: string
}

export interface DeployStep {
  /** What the dry run prints. */
  title: string
  run(state: DeployState): void
}


/** `npm run deploy -- --only app` stops before the transcoder stack, `--only transcoder` deploys it alone. */
export type DeployStage = 'app' | 'transcoder'

export function deploySteps(inputs: DeployInputs, paths: DeployPaths, tools: DeployTools, env: NodeJS.ProcessEnv, only?: DeployStage): DeployStep[] {
  const cdktfEnv = { ...env, CHECKPOINT_DISABLE: '1', STACK_ENVIRONMENTS: inputs.environment }
  const outputsFile = join(paths.outDir, 'cdktf-outputs.json')
  const summaryFile = join(paths.outDir, 'outputs.json')
  const configFile = join(paths.outDir, 'wrangler.toml')
  const digest = env.TRANSCODER_IMAGE_DIGEST ?? ''
  if (digest && digest !== 'none' && !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new DeployError(`TRANSCODER_IMAGE_DIGEST must be sha256: and 64 hex digits (the image workflow prints it), or none, got "${digest}"`)
  // The transcoder stack's default ssm_parameter_prefix (cdktf/transcoder-stack.ts).
  const mediaSecret = hasTranscoderStack(inputs, inputs.environment) ? `/${inputs.prefix}-${inputs.environment}/${MEDIA_WRITE_SECRET_PARAMETER}` : undefined

  const app: DeployStep[] = [
    {
      title: `cdktf deploy ${inputs.stack}: table, topic, queues (notifications, transcode) with their dead-letter queues, IAM, DNS`,
      run(state) {
        tools.run('cdktf', ['deploy', inputs.stack, '--auto-approve', '--outputs-file', outputsFile], { cwd: paths.root, env: cdktfEnv })
        state.outputs = parseStackOutputs(readFileSync(outputsFile, 'utf8'), inputs.stack)
      },
    },
    {
      title: `wrangler r2 bucket create ${inputs.mediaBucket} (if missing): the videos and their renditions`,
      run() {
        ensureR2Bucket(inputs.mediaBucket, (args) => tools.wrangler(args, true))
      },
    },
    {
      title: inputs.kvNamespaceId ? `KV namespace ${inputs.kvNamespaceId} (KV_NAMESPACE_ID)` : `wrangler kv namespace create ${inputs.kvTitle} (if missing)`,
      run(state) {
        state.kvNamespaceId = inputs.kvNamespaceId ?? ensureKvNamespace(inputs.kvTitle, (args) => tools.wrangler(args, true))
      },
    },
    {
      title: `wrangler deploy ${inputs.workerName} with the stack's outputs as vars, the KV namespace and the R2 bucket`,
      run(state) {
        const toml = deployConfig(readFileSync(join(paths.root, 'wrangler.toml'), 'utf8'), paths.root, state.kvNamespaceId!, workerVars(state.outputs!), inputs.saasZone, inputs.mediaBucket)
        writeFileSync(configFile, toml)
        state.deployed = tools.wrangler(['deploy', '-c', configFile, '--name', inputs.workerName])
        process.stdout.write(state.deployed)
        state.workerUrl = state.outputs!.hostname ? `https://${state.outputs!.hostname}` : (/https:\/\/\S+\.workers\.dev/.exec(state.deployed)?.[0] ?? '')
      },
    },
    {
      title: `write ${summaryFile} (the workflow's secret step reads it${mediaSecret ? `, and keeps MEDIA_WRITE_SECRET in SSM ${mediaSecret}` : ''})`,
      run(state) {
        const summary = {
          environment: inputs.environment,
          worker_name: inputs.workerName,
          worker_url: state.workerUrl,
          kv_namespace_id: state.kvNamespaceId,
          media_bucket: inputs.mediaBucket,
          ...(mediaSecret ? { media_write_secret_parameter: mediaSecret } : {}),
          ...state.outputs,
        }
        writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`)
      },
    },
  ]
  const transcoder = hasTranscoderStack(inputs, inputs.environment) ? [transcoderStep(inputs, paths, tools, cdktfEnv, digest, summaryFile)] : [{ title: `no transcoder stack: ${inputs.environment} runs its Node runtime on ECS or Kubernetes, with its own transcoder (S3)`, run() {} }]
  return only === 'app' ? app : only === 'transcoder' ? transcoder : [...app, ...transcoder]
}

/**
 * The transcoder stack, with the worker's URL (from this run, or from the summary a `--only app` run wrote) and
 * the image: TRANSCODER_IMAGE_DIGEST, else the one deployed now (a deploy never drops the running image).
 */
function transcoderStep(inputs: DeployInputs, paths: DeployPaths, tools: DeployTools, cdktfEnv: NodeJS.ProcessEnv, digest: string, summaryFile: string): DeployStep {
  const stack = transcoderStackId(inputs.prefix, inputs.environment)
  return {
    title: `cdktf deploy ${stack}: the transcoder on Fargate, reaching the media through the worker's URL, image ${digest ? `${digest.slice(0, 19)}…` : 'as deployed (TRANSCODER_IMAGE_DIGEST unset; none yet: no task runs)'}`,
    run(state) {
      // From this run, or from the summary of a `--only app` run of this same environment (not another's left on disk).
      const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as { environment?: string; worker_name?: string; worker_url?: string }) : {}
      const fromSummary = summary.environment === inputs.environment && summary.worker_name === inputs.workerName ? summary.worker_url : undefined
      const workerUrl = state.workerUrl ?? fromSummary
      if (!workerUrl) throw new DeployError(`The URL of worker ${inputs.workerName} is unknown (no hostname output, none in wrangler's answer or in an outputs.json of ${inputs.environment}): the transcoder reaches the media through it`)
      const image = digest === 'none' ? '' : digest || deployedDigest(stack, paths, tools, cdktfEnv)
      if (!image) console.warn(`\n${stack}: no transcoder image yet (set TRANSCODER_IMAGE_DIGEST): uploads wait until one runs`)
      const env = { ...cdktfEnv, TF_VAR_app_url: workerUrl, TF_VAR_transcoder_image_digest: image }
      tools.run('cdktf', ['deploy', stack, '--auto-approve'], { cwd: paths.root, env })
    },
  }
}

/**
 * The digest the stack runs now (its `transcoder_image_digest_deployed` output), or '' when it has none (before its
 * first deploy the state holds no output). A failure to read it stops the deploy: guessing "none" would stop the
 * transcoder that runs.
 */
function deployedDigest(stack: string, paths: DeployPaths, tools: DeployTools, cdktfEnv: NodeJS.ProcessEnv): string {
  const file = join(paths.outDir, 'transcoder-outputs.json')
  rmSync(file, { force: true })
  try {
    tools.run('cdktf', ['output', stack, '--outputs-file', file], { cwd: paths.root, env: cdktfEnv })
  } catch (error) {
    throw new DeployError(`Could not read the transcoder image ${stack} runs (${error instanceof Error ? error.message : String(error)}): set TRANSCODER_IMAGE_DIGEST (sha256:…, or none)`)
  }
  const value = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>)[stack]?.transcoder_image_digest_deployed : undefined
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value) ? value : ''
}

/**
 * What `npm run destroy` does, in order: the worker first (nothing calls AWS while the rest goes), its KV
 * namespace, the stacks beside the app stack (the transcoder's, or the ECS or Kubernetes one: they read it), the
 * app stack, and the R2 bucket only when asked. (The S3 buckets stay: Terraform deletes only an empty one.)
 * `env` is the cdktf environment (deletion protection already lifted when asked).
 */
export function destroySteps(inputs: DeployInputs, paths: DeployPaths, tools: DeployTools, env: NodeJS.ProcessEnv, deleteBucket: boolean): DeployStep[] {
  const steps: DeployStep[] = [
    {
      title: `wrangler delete ${inputs.workerName}`,
      run() {
        try {
          tools.wrangler(['delete', inputs.workerName, '--force'])
        } catch (error) {
          // Already gone is fine.
          console.warn(`wrangler delete: ${error instanceof Error ? error.message : String(error)} (continuing)`)
        }
      },
    },
  ]
  if (!inputs.kvNamespaceId) {
    steps.push({
      title: `wrangler kv namespace delete ${inputs.kvTitle}`,
      run() {
        const list = JSON.parse(tools.wrangler(['kv', 'namespace', 'list'], true)) as { id: string; title: string }[]
        const namespace = list.find((ns) => ns.title === inputs.kvTitle)
        if (namespace) tools.wrangler(['kv', 'namespace', 'delete', '--namespace-id', namespace.id], true)
      },
    })
  }
  // The stacks beside the app stack go first: they read its table, topic and queues. Their required variables are
  // not used to destroy them: stand-ins where the environment gives none.
  const beside: [string, Record<string, string>][] = []
  if (hasTranscoderStack(inputs, inputs.environment)) beside.push([transcoderStackId(inputs.prefix, inputs.environment), { TF_VAR_app_url: 'https://destroyed.invalid' }])
  if (inputs.ecsEnvironments.includes(inputs.environment)) {
    beside.push([ecsStackId(inputs.prefix, inputs.environment), { TF_VAR_vpc_id: 'vpc-destroyed', TF_VAR_public_subnet_ids: '[]', TF_VAR_private_subnet_ids: '[]', TF_VAR_image_tag: 'destroyed', TF_VAR_certificate_arn: 'arn:aws:acm:destroyed' }])
  }
  if (inputs.kubernetesEnvironments.includes(inputs.environment)) {
    beside.push([kubernetesStackId(inputs.prefix, inputs.environment), { TF_VAR_oidc_issuer: 'destroyed.invalid', TF_VAR_oidc_provider_arn: 'destroyed' }])
  }
  for (const [stack, standIns] of beside) {
    steps.push({ title: `cdktf destroy ${stack}`, run: () => tools.run('cdktf', ['destroy', stack, '--auto-approve'], { cwd: paths.root, env: { ...standIns, ...env } }) })
  }
  steps.push({ title: `cdktf destroy ${inputs.stack}`, run: () => tools.run('cdktf', ['destroy', inputs.stack, '--auto-approve'], { cwd: paths.root, env }) })
  steps.push(
    deleteBucket
      ? {
          title: `wrangler r2 bucket delete ${inputs.mediaBucket} (R2 deletes only an empty bucket)`,
          run() {
            // Already gone is fine, as for the worker.
            if (r2BucketNames(tools.wrangler(['r2', 'bucket', 'list'], true)).includes(inputs.mediaBucket)) tools.wrangler(['r2', 'bucket', 'delete', inputs.mediaBucket], true)
          },
        }
      : { title: `keep the R2 bucket ${inputs.mediaBucket} (the videos; DELETE_MEDIA_BUCKET=true deletes it)`, run() {} },
  )
  return steps
}
