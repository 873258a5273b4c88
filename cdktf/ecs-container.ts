/**
 * The Fargate task's one container: the image of the Dockerfile, configured like the Kubernetes pods
 * (deploy/kubernetes): plain values as environment, secrets by reference to SSM Parameter Store.
 */
export const CONTAINER_NAME = 'flixpeek'
export const CONTAINER_PORT = 8787

/**
 * The secrets the task reads from SSM Parameter Store (SecureString), as `<prefix>/<NAME>`; created
 * outside Terraform (docs/self-hosting.md) so no value ever lands in state. No AWS key: ECS sets
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI in the task and the Node runtime signs with the task role's
 * credentials from it (src/aws/credentials.ts), refreshed before they expire. The Web Push VAPID pair is
 * this environment's own (generated once per environment, docs/push.md): kept beside the other secrets so
 * no deploy path leaves push off by omission.
 */
export const TASK_SECRETS = ['JWT_SECRET', 'PASSWORD_PEPPER', 'TMDB_READ_TOKEN', 'VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY'] as const

export interface ContainerInputs {
  image: string
  /** Plain (non-secret) variables. */
  environment: Record<string, string>
  /** The ARN of the parameter holding each secret. */
  parameterArn: (name: (typeof TASK_SECRETS)[number]) => string
  logGroup: string
  region: string
}

/** The task definition's container_definitions (the web service runs it as is; cron targets override its command). */
export function containerDefinitions(inputs: ContainerInputs): Record<string, unknown>[] {
  return [
    {
      name: CONTAINER_NAME,
      image: inputs.image,
      essential: true,
      command: ['node', 'dist/server.js'],
      user: '1000:1000',
      readonlyRootFilesystem: true,
      // tini as PID 1: SIGTERM reaches node, and nothing is left unreaped.
      linuxParameters: { initProcessEnabled: true },
      stopTimeout: 30,
      portMappings: [{ containerPort: CONTAINER_PORT, protocol: 'tcp' }],
      environment: Object.entries(inputs.environment).map(([name, value]) => ({ name, value })),
      secrets: TASK_SECRETS.map((name) => ({ name, valueFrom: inputs.parameterArn(name) })),
      mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': inputs.logGroup, 'awslogs-region': inputs.region, 'awslogs-stream-prefix': 'flixpeek' },
      },
    },
  ]
}
