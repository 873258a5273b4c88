import { DEFAULT_PREFIX } from '../infra/resources'

/** The environments a stack is synthesized for. Each one gets its own stack, names and state key. */
export const ENVIRONMENTS = ['dev', 'prod'] as const
export type EnvironmentName = (typeof ENVIRONMENTS)[number]

/** Remote state: an S3 bucket plus a lock (a DynamoDB lock table, or S3's native lock file). */
export interface RemoteStateInputs {
  bucket: string
  region: string
  keyPrefix: string
  lockTable?: string
}

export interface AppInputs {
  /** Base of every resource name: `<prefix>-<env>` (e.g. netflix-clone-prod). */
  prefix: string
  environments: EnvironmentName[]
  /** Absent: local state (fine for synth, refused by deploy/destroy). */
  remoteState?: RemoteStateInputs
  /** Environments that also get the optional ECS Fargate stack (cdktf/ecs-stack.ts); none by default. */
  ecsEnvironments: EnvironmentName[]
  /** Environments whose Node runtime runs on Kubernetes (cdktf/kubernetes-stack.ts: its bucket and IRSA roles); none by default. */
  kubernetesEnvironments: EnvironmentName[]
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{1,40}$/

/**
 * Reads the synth-time inputs from environment variables:
 * - STACK_PREFIX (default netflix-clone), STACK_ENVIRONMENTS (comma list, default dev,prod);
 * - TF_STATE_BUCKET, TF_STATE_REGION (or AWS_REGION), TF_STATE_KEY_PREFIX, TF_STATE_LOCK_TABLE (optional);
 * - ECS_ENVIRONMENTS (comma list, default none): which of those environments also get the ECS Fargate stack;
 * - KUBERNETES_ENVIRONMENTS (comma list, default none): which run the Node runtime on Kubernetes (its bucket and roles).
 * Per-deploy values (deletion protection, DNS) are Terraform variables instead: see stack.ts.
 */
export function readInputs(env: Record<string, string | undefined>): AppInputs {
  const prefix = env.STACK_PREFIX || DEFAULT_PREFIX
  if (!NAME_PATTERN.test(prefix)) {
    throw new Error(`STACK_PREFIX "${prefix}" must be lowercase letters, digits and dashes (2-41 chars)`)
  }
  const requested = environmentList('STACK_ENVIRONMENTS', env.STACK_ENVIRONMENTS || ENVIRONMENTS.join(','))
  // Only environments being synthesized: deploy narrows STACK_ENVIRONMENTS to one and must not fail on the others.
  const ecs = environmentList('ECS_ENVIRONMENTS', env.ECS_ENVIRONMENTS ?? '').filter((name) => requested.includes(name))
  const kubernetes = environmentList('KUBERNETES_ENVIRONMENTS', env.KUBERNETES_ENVIRONMENTS ?? '').filter((name) => requested.includes(name))
  const both = ecs.filter((name) => kubernetes.includes(name))
  // Each has its own media bucket and transcoder for the environment's one transcode queue.
  if (both.length > 0) throw new Error(`${both.join(', ')}: an environment's Node runtime runs on ECS or on Kubernetes, not both (ECS_ENVIRONMENTS, KUBERNETES_ENVIRONMENTS)`)
  const inputs: AppInputs = { prefix, environments: requested, ecsEnvironments: ecs, kubernetesEnvironments: kubernetes }
  const bucket = env.TF_STATE_BUCKET
  if (bucket) {
    const region = env.TF_STATE_REGION || env.AWS_REGION
    if (!region) throw new Error('TF_STATE_BUCKET is set but neither TF_STATE_REGION nor AWS_REGION is')
    inputs.remoteState = {
      bucket,
      region,
      keyPrefix: env.TF_STATE_KEY_PREFIX || prefix,
      ...(env.TF_STATE_LOCK_TABLE ? { lockTable: env.TF_STATE_LOCK_TABLE } : {}),
    }
  }
  return inputs
}

/** A comma list of environment names, each checked. */
function environmentList(variable: string, value: string): EnvironmentName[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean)
  for (const name of names) {
    if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
      throw new Error(`${variable}: unknown environment "${name}" (known: ${ENVIRONMENTS.join(', ')})`)
    }
  }
  return names as EnvironmentName[]
}

/** `<prefix>-<env>`: the prefix every resource of one environment is named from. */
export const environmentPrefix = (prefix: string, environment: EnvironmentName) => `${prefix}-${environment}`

/** The stack id (and cdktf.out/stacks/<id>), e.g. netflix-clone-prod. */
export const stackId = environmentPrefix

/**
 * Whether an environment's transcoder is the transcoder stack's (Workers: media in R2 through the worker). An
 * environment on ECS has it in the ECS stack, one on Kubernetes in deploy/kubernetes, both with media in S3.
 */
export const hasTranscoderStack = (inputs: AppInputs, environment: EnvironmentName) =>
  !inputs.ecsEnvironments.includes(environment) && !inputs.kubernetesEnvironments.includes(environment)

/** The ServiceAccounts of deploy/kubernetes, whose pods assume the Kubernetes stack's roles (cdktf/kubernetes-stack.ts). */
export const SERVICE_ACCOUNTS = { web: 'flixpeek', transcoder: 'flixpeek-transcoder' } as const

/** The ECS stack's id (and state name): `<prefix>-<env>-ecs`, beside the app stack `<prefix>-<env>`. */
export const ecsStackId = (prefix: string, environment: EnvironmentName) => `${environmentPrefix(prefix, environment)}-ecs`

/** The Kubernetes stack's id (and state name): `<prefix>-<env>-kubernetes`, beside the app stack. */
export const kubernetesStackId = (prefix: string, environment: EnvironmentName) => `${environmentPrefix(prefix, environment)}-kubernetes`

/** The transcoder stack's id (and state name): `<prefix>-<env>-transcoder`, beside the app stack `<prefix>-<env>`. */
export const transcoderStackId = (prefix: string, environment: EnvironmentName) => `${environmentPrefix(prefix, environment)}-transcoder`

/** The SSM parameter (SecureString, created by the deploy workflow or by hand) both the worker and the transcoder sign media requests with. */
export const MEDIA_WRITE_SECRET_PARAMETER = 'MEDIA_WRITE_SECRET'
