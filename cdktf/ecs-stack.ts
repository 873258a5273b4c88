import { Fn, Op, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Token } from 'cdktf'
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule'
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target'
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group'
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy'
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository'
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster'
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service'
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition'
import { IamRole } from '@cdktf/provider-aws/lib/iam-role'
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy'
import { Construct } from 'constructs'
import { CONSUMED_QUEUES, MAIN_TABLE, NOTIFICATIONS_QUEUE, TRANSCODE_QUEUE } from '../infra/resources'
import { CRON } from '../src/platform'
import { besideAppStack, type BesideAppStackProps } from './beside-app-stack'
import { permissionsBoundary } from './boundary'
import { toEventBridgeSchedule } from './cron-schedule'
import { CONTAINER_NAME, TASK_SECRETS, containerDefinitions } from './ecs-container'
import { addLoadBalancedNetwork } from './ecs-network'
import { assumedBy, executionPolicy, schedulerPolicy } from './ecs-policies'
import { addMediaBucket } from './media-bucket'
import { addTranscoderService } from './transcoder-service'
import { mediaBucketStatements } from './transcoder-policy'
import { workerPolicy } from './worker-policy'

/**
 * Optional (ECS_ENVIRONMENTS): the Node runtime's image on ECS Fargate, beside the app stack it reads
 * by name (table, topic, queue: deploy that one first). An ECR repository, a cluster, a service of
 * `desired_count` tasks behind an Application Load Balancer (health check /healthz), an EventBridge
 * rule per cron trigger running the same task with the cron CLI, and three roles: the task's (the
 * worker's least-privilege policy: the Node runtime's cache and lease items live in the same table),
 * ECS's execution role (image, logs, SSM secrets) and EventBridge's. VPC, subnets, image tag and the
 * rest are Terraform variables: nothing about a network is written here.
 */
export class EcsStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BesideAppStackProps) {
    super(scope, id)
    const app = besideAppStack(this, id, props, 'ecs')
    const { names, arn, table, topic } = app

    const variable = <T extends string>(name: T, type: string, description: string, fallback?: unknown) =>
      new TerraformVariable(this, name, { type, description, ...(fallback === undefined ? {} : { default: fallback }) })
    // No default and never `latest`: a release tag, which the repository's immutable tags keep on one digest.
    const imageTag = new TerraformVariable(this, 'image_tag', {
      type: 'string',
      description: 'Tag of the image in this stack\'s ECR repository to run (the image workflow pushes release tags)',
      validation: [{ condition: 'lower(var.image_tag) != "latest"', errorMessage: 'image_tag names a release (v1.2.3), never latest' }],
    })
    const desiredCount = variable('desired_count', 'number', 'Web tasks; 0 until the first image is pushed', 2)
    const taskCpu = variable('task_cpu', 'number', 'Fargate task CPU units (1024 = 1 vCPU)', 512)
    const taskMemory = variable('task_memory', 'number', 'Fargate task memory (MiB)', 1024)
    const publicUrl = new TerraformVariable(this, 'public_url', {
      type: 'string',
      description: 'PUBLIC_URL: the https origin users reach, the certificate\'s host (the server answers only for it); empty: https://<load balancer DNS name>',
      default: '',
      // Production refuses an http PUBLIC_URL: say so at plan time rather than in a task that will not start.
      validation: [{ condition: 'var.public_url == "" || can(regex("^https://[^/]+/?$", var.public_url))', errorMessage: 'public_url must be an https:// origin (no path), or empty' }],
    })
    const mailFrom = variable('mail_from', 'string', 'MAIL_FROM; empty: the app default', '')
    const mailDomain = variable('mail_domain', 'string', 'The app stack\'s mail_domain (the task may send as that SES identity)', '')
    const parameterPrefix = variable('ssm_parameter_prefix', 'string', `SSM path holding ${TASK_SECRETS.join(', ')} (SecureString)`, `/${names}`)


    // The app stack's resources, found by their names (infra/resources.ts), not by cross-stack state.
    const queue = app.queue(NOTIFICATIONS_QUEUE)
    const transcodeQueue = app.queue(TRANSCODE_QUEUE)
    // The Node runtime keeps its media in S3 (MEDIA_S3_BUCKET); on Workers the same role is R2's.
    const bucket = addMediaBucket(this, `${names}-media`)

    const repository = new EcrRepository(this, 'repository', {
      name: names,
      // Its images are rebuilt from git: npm run destroy must not stop at a repository holding some.
      forceDelete: true,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    })
    new EcrLifecyclePolicy(this, 'repository_lifecycle', {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [{ rulePriority: 1, description: 'Keep the 30 newest images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } }],
      }),
    })
    const cluster = new EcsCluster(this, 'cluster', { name: names, setting: [{ name: 'containerInsights', value: 'enabled' }] })
    const logs = new CloudwatchLogGroup(this, 'logs', { name: `/ecs/${names}`, retentionInDays: 30 })

    const boundary = permissionsBoundary(this)
    const role = (roleId: string, roleName: string, service: 'ecs-tasks.amazonaws.com' | 'events.amazonaws.com', policy: object) => {
      const created = new IamRole(this, roleId, { name: roleName, assumeRolePolicy: JSON.stringify(assumedBy(service, app.accountId)), permissionsBoundary: boundary })
      new IamRolePolicy(this, `${roleId}_policy`, { name: `${roleName}-access`, role: created.id, policy: JSON.stringify(policy) })
      return created
    }
    const parameterArn = (name: string) => arn('ssm', `parameter${parameterPrefix.stringValue}/${name}`)
    const appPolicy = workerPolicy({
      tableArns: [table.arn],
      indexArns: MAIN_TABLE.globalIndexes.map((index) => `${table.arn}/index/${index.name}`),
      topicArn: topic.arn,
      queueArns: CONSUMED_QUEUES.map((definition) => (definition === NOTIFICATIONS_QUEUE ? queue : app.queue(definition)).arn),
      mailIdentityArn: arn('ses', `identity/${mailDomain.stringValue}`),
    })
    const taskRole = role('task_role', `${names}-task`, 'ecs-tasks.amazonaws.com', { ...appPolicy, Statement: [...appPolicy.Statement, ...mediaBucketStatements(bucket.arn)] })
    const executionRole = role('execution_role', `${names}-task-execution`, 'ecs-tasks.amazonaws.com', executionPolicy({
      repositoryArn: repository.arn,
      logGroupArn: logs.arn,
      parameterArns: TASK_SECRETS.map(parameterArn),
    }))

    const network = addLoadBalancedNetwork(this, names)
    const isSet = (value: TerraformVariable) => Op.gte(Fn.lengthOf(value.stringValue), 1)
    // A local, so the conditional's own quotes stay out of the container definitions' JSON.
    const origin = new TerraformLocal(this, 'app_origin', Fn.conditional(isSet(publicUrl), publicUrl.stringValue, `https://${network.loadBalancer.dnsName}`))
    const task = new EcsTaskDefinition(this, 'task', {
      family: names,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: Token.asString(taskCpu.numberValue),
      memory: Token.asString(taskMemory.numberValue),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      volume: [{ name: 'tmp' }],
      containerDefinitions: JSON.stringify(containerDefinitions({
        image: `${repository.repositoryUrl}:${imageTag.stringValue}`,
        environment: {
          ENVIRONMENT: 'production',
          HOST: '0.0.0.0',
          PORT: String(network.containerPort),
          PUBLIC_URL: origin.asString,
          AWS_REGION: app.region,
          DYNAMODB_TABLE: table.name,
          SNS_TOPIC_ARN: topic.arn,
          SQS_QUEUE_URL: queue.url,
          MEDIA_S3_BUCKET: bucket.bucket,
          MAIL_FROM: mailFrom.stringValue,
          // The load balancer appends the address it saw to X-Forwarded-For (the last entry is the one it vouches for).
          TRUSTED_CLIENT_IP_HEADER: 'X-Forwarded-For',
          // The EventBridge rules run the cron triggers; the web tasks' own scheduler stays off.
          CRON_SCHEDULER: 'off',
        },
        parameterArn,
        logGroup: logs.name,
        region: app.region,
      })),
    })

    const service = new EcsService(this, 'service', {
      name: `${names}-web`,
      cluster: cluster.id,
      taskDefinition: task.arn,
      desiredCount: desiredCount.numberValue,
      launchType: 'FARGATE',
      networkConfiguration: network.taskNetwork,
      loadBalancer: [{ targetGroupArn: network.targetGroup.arn, containerName: CONTAINER_NAME, containerPort: network.containerPort }],
      healthCheckGracePeriodSeconds: 30,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      propagateTags: 'SERVICE',
      dependsOn: network.listeners,
    })

    // The cron triggers: the same task with the cron CLI. EventBridge cannot forbid overlaps; the CLI's lease does.
    const eventsRole = role('events_role', `${names}-cron`, 'events.amazonaws.com', schedulerPolicy({
      clusterArn: cluster.arn,
      taskDefinitionArn: task.arn,
      passRoleArns: [taskRole.arn, executionRole.arn],
    }))
    for (const [job, expression] of Object.entries(CRON)) {
      const rule = new CloudwatchEventRule(this, `cron_${job}`, {
        name: `${names}-cron-${job}`,
        description: `node dist/cron.js "${expression}" (UTC)`,
        scheduleExpression: toEventBridgeSchedule(expression),
      })
      new CloudwatchEventTarget(this, `cron_${job}_task`, {
        rule: rule.name,
        arn: cluster.arn,
        roleArn: eventsRole.arn,
        ecsTarget: { taskDefinitionArn: task.arn, launchType: 'FARGATE', taskCount: 1, networkConfiguration: network.taskNetwork },
        input: JSON.stringify({ containerOverrides: [{ name: CONTAINER_NAME, command: ['node', 'dist/cron.js', expression] }] }),
      })
    }

    // The transcoder beside it, on the same cluster and network, reading and writing the bucket itself.
    addTranscoderService(this, {
      names,
      cluster: { id: cluster.id, arn: cluster.arn, name: cluster.name },
      network: network.taskNetwork,
      table: { arn: table.arn, name: table.name },
      topicArn: topic.arn,
      queue: { arn: transcodeQueue.arn, url: transcodeQueue.url, name: transcodeQueue.name },
      media: { kind: 's3', bucketArn: bucket.arn, bucketName: bucket.bucket },
      region: app.region,
      accountId: app.accountId,
      arn,
      permissionsBoundary: boundary,
    })

    const output = (outputId: string, value: string, description: string) => new TerraformOutput(this, outputId, { value, description })
    output('repository_url', repository.repositoryUrl, 'Push the image here (docker tag … <url>:<tag>), then set image_tag')
    output('load_balancer_dns_name', network.loadBalancer.dnsName, 'Point the app hostname here (CNAME or alias)')
    output('cluster_name', cluster.name, 'The ECS cluster')
    output('media_bucket_name', bucket.bucket, 'MEDIA_S3_BUCKET: video sources and renditions')
    output('service_name', service.name, 'The web service (aws ecs update-service --force-new-deployment …)')
  }
}
