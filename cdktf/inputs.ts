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
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{1,40}$/

/**
 * Reads the synth-time inputs from environment variables:
 * - STACK_PREFIX (default netflix-clone), STACK_ENVIRONMENTS (comma list, default dev,prod);
 * - TF_STATE_BUCKET, TF_STATE_REGION (or AWS_REGION), TF_STATE_KEY_PREFIX, TF_STATE_LOCK_TABLE (optional);
 * - ECS_ENVIRONMENTS (comma list, default none): which of those environments also get the ECS Fargate stack.
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
  const inputs: AppInputs = { prefix, environments: requested, ecsEnvironments: ecs }
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

/** The transcoder stack's id (and state name): `<prefix>-<env>-transcoder`, beside the app stack `<prefix>-<env>`. */
export const transcoderStackId = (prefix: string, environment: EnvironmentName) => `${environmentPrefix(prefix, environment)}-transcoder`

/** The SSM parameter (SecureString, created by the deploy workflow or by hand) both the worker and the transcoder sign media requests with. */
export const MEDIA_WRITE_SECRET_PARAMETER = 'MEDIA_WRITE_SECRET'
