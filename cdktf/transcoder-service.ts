import { Fn, Op, TerraformLocal, TerraformOutput, TerraformVariable, Token } from 'cdktf'
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy'
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target'
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group'
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm'
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy'
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository'
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service'
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition'
import { IamRole } from '@cdktf/provider-aws/lib/iam-role'
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy'
import { Construct } from 'constructs'
import { TRANSCODER_MEDIA_METHODS } from '../infra/worker-access'
import { assumedBy, executionPolicy } from './ecs-policies'
import { transcoderPolicy } from './transcoder-policy'

/** Where the transcoder's media is: the app's internal routes (Workers: R2 behind the worker) or an S3 bucket it reads itself. */
export type TranscoderMedia = { kind: 'app'; appUrl: string; secretParameterArn: string } | { kind: 's3'; bucketArn: string; bucketName: string }

export interface TranscoderServiceProps {
  /** `<prefix>-<env>`. */
  names: string
  cluster: { id: string; arn: string; name: string }
  /** Where tasks run: subnets with a route out (NAT or a public IP), a security group allowing egress only. */
  network: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean }
  table: { arn: string; name: string }
  topicArn: string
  /** The transcode queue (infra/resources.ts TRANSCODE_QUEUE). */
  queue: { arn: string; url: string; name: string }
  media: TranscoderMedia
  region: string
  /** The deploying account's id: its roles trust ECS only on this account's behalf (aws:SourceAccount). */
  accountId: string
  arn: (service: string, resource: string) => string
  /** The stack's permissions boundary for the roles it creates (cdktf/boundary.ts). */
  permissionsBoundary: string
}

export const TRANSCODER_CONTAINER = 'transcoder'
/** The scratch volume's mount (the image's TRANSCODE_SCRATCH_DIR): the task's ephemeral storage. */
export const SCRATCH_PATH = '/scratch'
/** Scale-out steps: backlog n → n tasks, up to this many steps (then clamped by transcoder_max_tasks). */
const SCALE_STEPS = 10
/** Minutes with no message visible or in flight before the service scales to zero. */
const IDLE_MINUTES = 15

/**
 * The transcoder on ECS Fargate (`node dist/transcoder.js` of the Dockerfile's `transcoder` target): an ECR
 * repository, a task definition with the scratch space on the task's ephemeral storage, a service of 0 tasks,
 * and Application Auto Scaling on the transcode queue's messages visible + in flight (a running job's message is
 * in flight): 0 → one task per message (up to transcoder_max_tasks) at once, back to 0 after 15 idle minutes.
 * A task running a job protects itself from scale-in (src/transcoder/task-protection.ts).
 */
export function addTranscoderService(scope: Construct, props: TranscoderServiceProps): EcsService {
  const { names } = props
  const variable = (name: string, type: string, description: string, fallback: unknown, validation?: { condition: string; errorMessage: string }) =>
    new TerraformVariable(scope, name, { type, description, default: fallback, ...(validation ? { validation: [validation] } : {}) })
  const digest = variable('transcoder_image_digest', 'string', 'Digest (sha256:…) of the transcoder image in this stack\'s transcoder repository (the image workflow prints it); empty: no task runs yet', '', {
    condition: 'can(regex("^(sha256:[0-9a-f]{64})?$", var.transcoder_image_digest))',
    errorMessage: 'transcoder_image_digest must be empty or sha256: followed by 64 hex digits',
  })
  const cpu = variable('transcoder_cpu', 'number', 'Fargate CPU units per transcoder task (4096 = 4 vCPU: ~1.2× realtime for a 1080p source)', 4096)
  const memory = variable('transcoder_memory', 'number', 'Memory per transcoder task (MiB)', 8192)
  const storage = variable('transcoder_ephemeral_storage_gib', 'number', 'Ephemeral storage per task (GiB, 21-200): holds one source and its renditions', 100, {
    condition: 'var.transcoder_ephemeral_storage_gib >= 21 && var.transcoder_ephemeral_storage_gib <= 200',
    errorMessage: 'Fargate ephemeral storage is 21 to 200 GiB',
  })
  const maxTasks = variable('transcoder_max_tasks', 'number', 'Most transcoder tasks at once (each runs one job)', 2)

  const repository = new EcrRepository(scope, 'transcoder_repository', {
    name: `${names}-transcoder`,
    // Its images are rebuilt from the repository: destroying the stack must not stop at a non-empty repository.
    forceDelete: true,
    imageTagMutability: 'IMMUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
  })
  new EcrLifecyclePolicy(scope, 'transcoder_repository_lifecycle', {
    repository: repository.name,
    policy: JSON.stringify({ rules: [{ rulePriority: 1, description: 'Keep the 30 newest images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } }] }),
  })
  const logs = new CloudwatchLogGroup(scope, 'transcoder_logs', { name: `/ecs/${names}-transcoder`, retentionInDays: 30 })

  const boundary = props.permissionsBoundary
  const role = (id: string, roleName: string, policy: object) => {
    const created = new IamRole(scope, id, { name: roleName, assumeRolePolicy: JSON.stringify(assumedBy('ecs-tasks.amazonaws.com', props.accountId)), permissionsBoundary: boundary })
    new IamRolePolicy(scope, `${id}_policy`, { name: `${roleName}-access`, role: created.id, policy: JSON.stringify(policy) })
    return created
  }
  const s3 = props.media.kind === 's3' ? props.media : undefined
  const taskRole = role('transcoder_task_role', `${names}-transcoder`, transcoderPolicy({
    tableArn: props.table.arn,
    topicArn: props.topicArn,
    queueArn: props.queue.arn,
    taskArns: props.arn('ecs', `task/${props.cluster.name}/*`),
    ...(s3 ? { bucketArn: s3.bucketArn } : {}),
  }, TRANSCODER_MEDIA_METHODS))
  const secretArns = props.media.kind === 'app' ? [props.media.secretParameterArn] : []
  const executionRole = role('transcoder_execution_role', `${names}-transcoder-execution`, executionPolicy({ repositoryArn: repository.arn, logGroupArn: logs.arn, parameterArns: secretArns }))

  const hasImage = Op.gte(Fn.lengthOf(digest.stringValue), 1)
  // Without a digest, a well-formed reference no task ever pulls (the service's maximum is then 0).
  // A local, so the conditional's own quotes stay out of the container definitions' JSON.
  const image = new TerraformLocal(scope, 'transcoder_image', Fn.conditional(hasImage, `${repository.repositoryUrl}@${digest.stringValue}`, `${repository.repositoryUrl}:no-image-yet`)).asString
  const media: Record<string, string> = props.media.kind === 'app' ? { TRANSCODER_MEDIA_URL: props.media.appUrl } : { MEDIA_S3_BUCKET: props.media.bucketName }
  const environment: Record<string, string> = {
    ENVIRONMENT: 'production',
    AWS_REGION: props.region,
    DYNAMODB_TABLE: props.table.name,
    SNS_TOPIC_ARN: props.topicArn,
    TRANSCODE_QUEUE_URL: props.queue.url,
    TRANSCODE_SCRATCH_DIR: SCRATCH_PATH,
    ...media,
  }
  const task = new EcsTaskDefinition(scope, 'transcoder_task', {
    family: `${names}-transcoder`,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: Token.asString(cpu.numberValue),
    memory: Token.asString(memory.numberValue),
    ephemeralStorage: { sizeInGib: storage.numberValue },
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    executionRoleArn: executionRole.arn,
    taskRoleArn: taskRole.arn,
    // Both on the task's ephemeral storage; the root file system stays read-only.
    volume: [{ name: 'scratch' }, { name: 'tmp' }],
    containerDefinitions: JSON.stringify([
      {
        name: TRANSCODER_CONTAINER,
        image,
        essential: true,
        command: ['node', 'dist/transcoder.js'],
        user: '1000:1000',
        readonlyRootFilesystem: true,
        linuxParameters: { initProcessEnabled: true },
        // SIGTERM: the transcoder kills ffmpeg's process group and removes the job's folder; the message returns to the queue.
        stopTimeout: 60,
        environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
        secrets: props.media.kind === 'app' ? [{ name: 'MEDIA_WRITE_SECRET', valueFrom: props.media.secretParameterArn }] : [],
        mountPoints: [
          { sourceVolume: 'scratch', containerPath: SCRATCH_PATH, readOnly: false },
          { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false },
        ],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': logs.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': 'transcoder' } },
      },
    ]),
  })

  const service = new EcsService(scope, 'transcoder_service', {
    name: `${names}-transcoder`,
    cluster: props.cluster.id,
    taskDefinition: task.arn,
    desiredCount: 0,
    launchType: 'FARGATE',
    networkConfiguration: props.network,
    // A deploy starts new tasks before stopping old ones; a task running a job is protected until it ends.
    deploymentMinimumHealthyPercent: 100,
    deploymentMaximumPercent: 200,
    propagateTags: 'SERVICE',
    // Application Auto Scaling owns the count.
    lifecycle: { ignoreChanges: ['desired_count'] },
  })

  const target = new AppautoscalingTarget(scope, 'transcoder_scaling_target', {
    serviceNamespace: 'ecs',
    scalableDimension: 'ecs:service:DesiredCount',
    resourceId: `service/${props.cluster.name}/${service.name}`,
    minCapacity: 0,
    maxCapacity: Token.asNumber(Fn.conditional(hasImage, maxTasks.numberValue, 0)),
  })
  const policy = (id: string, steps: { lower?: number; upper?: number; tasks: number }[]) =>
    new AppautoscalingPolicy(scope, id, {
      name: `${names}-${id.replace(/_/g, '-')}`,
      policyType: 'StepScaling',
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      stepScalingPolicyConfiguration: {
        adjustmentType: 'ExactCapacity',
        metricAggregationType: 'Maximum',
        cooldown: 60,
        stepAdjustment: steps.map((step) => ({
          scalingAdjustment: step.tasks,
          ...(step.lower === undefined ? {} : { metricIntervalLowerBound: String(step.lower) }),
          ...(step.upper === undefined ? {} : { metricIntervalUpperBound: String(step.upper) }),
        })),
      },
    })
  // Relative to the alarm's threshold (0): a backlog in [0, 2) asks for 1 task, [n, n+1) for n, the last step for SCALE_STEPS or more.
  const scaleOut = policy('transcoder_scale_out', Array.from({ length: SCALE_STEPS }, (_, i) => ({
    lower: i === 0 ? 0 : i + 1,
    ...(i === SCALE_STEPS - 1 ? {} : { upper: i + 2 }),
    tasks: i + 1,
  })))
  const scaleIn = policy('transcoder_scale_in', [{ upper: 0, tasks: 0 }])
  const jobsAlarm = (id: string, comparison: string, periods: number, action: string, description: string) =>
    new CloudwatchMetricAlarm(scope, id, {
      alarmName: `${names}-${id.replace(/_/g, '-')}`,
      alarmDescription: description,
      comparisonOperator: comparison,
      threshold: 0,
      evaluationPeriods: periods,
      treatMissingData: 'notBreaching',
      metricQuery: [
        { id: 'visible', metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: props.queue.name }, period: 60, stat: 'Maximum' }, returnData: false },
        { id: 'in_flight', metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesNotVisible', dimensions: { QueueName: props.queue.name }, period: 60, stat: 'Maximum' }, returnData: false },
        { id: 'jobs', expression: 'visible + in_flight', label: 'Transcode jobs waiting or running', returnData: true },
      ],
      alarmActions: [action],
    })
  jobsAlarm('transcoder_jobs', 'GreaterThanThreshold', 1, scaleOut.arn, 'Videos wait or are transcoding: one task per job')
  jobsAlarm('transcoder_idle', 'LessThanOrEqualToThreshold', IDLE_MINUTES, scaleIn.arn, `No video for ${IDLE_MINUTES} minutes: no task`)

  new TerraformOutput(scope, 'transcoder_repository_url', { value: repository.repositoryUrl, description: 'Push the transcoder image here, then set transcoder_image_digest' })
  new TerraformOutput(scope, 'transcoder_service_name', { value: service.name, description: 'The transcoder service (scaled on the transcode queue)' })
  // Read back by npm run deploy when TRANSCODER_IMAGE_DIGEST is not given: a deploy keeps the image that runs.
  new TerraformOutput(scope, 'transcoder_image_digest_deployed', { value: digest.stringValue, description: 'The transcoder image digest deployed' })
  return service
}
