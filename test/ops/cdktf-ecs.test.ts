import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { toEventBridgeSchedule } from '../../cdktf/cron-schedule'
import { TASK_SECRETS } from '../../cdktf/ecs-container'
import { readInputs } from '../../cdktf/inputs'
import { NODE_APP_MEDIA_METHODS, s3ActionsFor } from '../../infra/worker-access'
import { CRON } from '../../src/platform'
import { missingInProduction } from './support/production-config'
import { asList, BESIDE_APP_INPUTS, only, statementsOf, synthStacks, type TerraformJson } from './support/synth'

/** The optional ECS Fargate stack (cdktf/ecs-stack.ts), synthesized offline like the app stacks (test/ops/cdktf.test.ts). */
let ecs: TerraformJson
let app: TerraformJson
beforeAll(async () => {
  // One synth for the whole file (each is seconds): remote state on, to see the ECS stack's own state key.
  const stacks = await synthStacks(BESIDE_APP_INPUTS)
  // prod's transcoder is the ECS stack's own (S3), dev's the Kubernetes Deployment: no Workers transcoder stack.
  expect(Object.keys(stacks).sort()).toEqual(['netflix-clone-dev', 'netflix-clone-dev-kubernetes', 'netflix-clone-prod', 'netflix-clone-prod-ecs'])
  ecs = stacks['netflix-clone-prod-ecs']!
  app = stacks['netflix-clone-prod']!
}, 60_000)

const resources = (type: string) => ecs.resource[type] ?? {}
const policyOf = (id: string) => statementsOf(resources('aws_iam_role_policy')[`${id}_policy`]!.policy)
const grants = (id: string) => Object.fromEntries(policyOf(id).map((s) => [s.Sid, { actions: asList(s.Action), resources: asList(s.Resource) }]))
const container = () => (JSON.parse(String(resources('aws_ecs_task_definition').task!.container_definitions)) as Record<string, unknown>[])[0]! as {
  image: string
  command: string[]
  user: string
  readonlyRootFilesystem: boolean
  portMappings: { containerPort: number }[]
  environment: { name: string; value: string }[]
  secrets: { name: string; valueFrom: string }[]
}
const PARAMETER = (name: string) =>
  `arn:\${data.aws_partition.partition.partition}:ssm:\${data.aws_region.current.region}:\${data.aws_caller_identity.caller.account_id}:parameter\${var.ssm_parameter_prefix}/${name}`

describe('the ECS stack inputs', () => {
  it('should be off unless ECS_ENVIRONMENTS names a synthesized environment', () => {
    // Without the input, synth makes the app stacks only (test/ops/cdktf.test.ts holds that list exactly).
    expect(readInputs({}).ecsEnvironments).toEqual([])
    expect(readInputs({ STACK_ENVIRONMENTS: 'dev', ECS_ENVIRONMENTS: 'prod' }).ecsEnvironments).toEqual([])
    expect(readInputs({ ECS_ENVIRONMENTS: 'prod' }).ecsEnvironments).toEqual(['prod'])
    expect(() => readInputs({ ECS_ENVIRONMENTS: 'staging' })).toThrow(/ECS_ENVIRONMENTS: unknown environment "staging"/)
  })

  it('should keep its own state beside the app stack\'s', () => {
    expect(ecs.terraform.backend.s3).toMatchObject({ bucket: 'state-bucket', key: 'netflix-clone/prod-ecs.tfstate', use_lockfile: true })
    expect(app.terraform.backend.s3).toMatchObject({ key: 'netflix-clone/prod.tfstate' })
  })

  it('should take the VPC, the subnets and the image tag as variables without defaults, and name no network', () => {
    for (const name of ['vpc_id', 'image_tag']) expect(ecs.variable[name]).toEqual(expect.objectContaining({ type: 'string' }))
    for (const name of ['public_subnet_ids', 'private_subnet_ids']) expect(ecs.variable[name]).toMatchObject({ type: 'list(string)' })
    for (const name of ['vpc_id', 'public_subnet_ids', 'private_subnet_ids', 'image_tag']) expect(ecs.variable[name]).not.toHaveProperty('default')
    const text = JSON.stringify(ecs)
    expect(text).not.toMatch(/\b(subnet|vpc|sg|igw|nat)-[0-9a-f]{8,17}\b/)
    expect(text).not.toMatch(/(?<![\d.])\d{12}(?![\d.])/)
    expect(text).not.toMatch(/\b(us|eu|ap|sa|ca|me|af|il|mx)-(gov-)?[a-z]+-\d\b/)
    expect(text).not.toMatch(/arn:aws:/)
    expect(ecs.provider.aws[0]).not.toHaveProperty('region')
  })
})

describe('the Fargate service', () => {
  it('should run the ECR repository\'s image in the cluster behind the load balancer, health-checked on /healthz', () => {
    expect(resources('aws_ecr_repository').repository).toMatchObject({ name: 'netflix-clone-prod', image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true }, force_delete: true })
    expect(container().image).toBe('${aws_ecr_repository.repository.repository_url}:${var.image_tag}')
    expect(container()).toMatchObject({ command: ['node', 'dist/server.js'], user: '1000:1000', readonlyRootFilesystem: true, portMappings: [{ containerPort: 8787 }] })
    expect(resources('aws_ecs_service').service).toMatchObject({
      cluster: '${aws_ecs_cluster.cluster.id}',
      task_definition: '${aws_ecs_task_definition.task.arn}',
      launch_type: 'FARGATE',
      desired_count: '${var.desired_count}',
      network_configuration: { subnets: '${var.private_subnet_ids}', security_groups: ['${aws_security_group.tasks_sg.id}'] },
      load_balancer: [{ target_group_arn: '${aws_lb_target_group.web.arn}', container_name: 'flixpeek', container_port: 8787 }],
      deployment_circuit_breaker: { enable: true, rollback: true },
    })
    expect(only(ecs, 'aws_lb_target_group')).toMatchObject({ port: 8787, target_type: 'ip', vpc_id: '${var.vpc_id}', health_check: { path: '/healthz', matcher: '200' } })
    expect(only(ecs, 'aws_lb')).toMatchObject({ load_balancer_type: 'application', subnets: '${var.public_subnet_ids}', drop_invalid_header_fields: true })
  })

  it('should serve HTTPS only: a required ACM certificate, port 80 a permanent redirect, PUBLIC_URL https (audit 3, M6)', () => {
    const listeners = resources('aws_lb_listener')
    expect(Object.keys(listeners).sort()).toEqual(['http', 'https'])
    expect(listeners.https).toMatchObject({ port: 443, protocol: 'HTTPS', certificate_arn: '${var.certificate_arn}', default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.web.arn}' }] })
    expect(listeners.https).not.toHaveProperty('count')
    expect(listeners.http).toMatchObject({ port: 80, protocol: 'HTTP', default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }] })
    expect(ecs.variable.certificate_arn).not.toHaveProperty('default')
    expect(ecs.variable.certificate_arn).toMatchObject({ validation: [{ condition: expect.stringContaining('var.certificate_arn') }] })
    // PUBLIC_URL: the input when set (and then https, checked at plan time), else the load balancer's name over https.
    expect(ecs.variable.public_url).toMatchObject({ validation: [{ condition: expect.stringContaining('^https://') }] })
    const environment = Object.fromEntries(container().environment.map((v) => [v.name, v.value]))
    expect(environment.PUBLIC_URL).toBe('${local.app_origin}')
    expect(String((ecs as unknown as { locals?: Record<string, unknown> }).locals?.app_origin)).toMatch(/"https:\/\/\$\{aws_lb\.load_balancer\.dns_name\}"/)
    expect(JSON.stringify(ecs)).not.toMatch(/http:\/\/\$\{aws_lb/)
  })

  it('should run a chosen release, never latest: image_tag has no default and refuses latest (audit 3, M8)', () => {
    expect(ecs.variable.image_tag).not.toHaveProperty('default')
    expect(ecs.variable.image_tag).toMatchObject({ validation: [{ condition: 'lower(var.image_tag) != "latest"' }] })
    expect(resources('aws_ecr_repository').repository).toMatchObject({ image_tag_mutability: 'IMMUTABLE' })
  })

  it('should give the task this environment\'s Web Push VAPID pair as SSM secrets, readable by the execution role only (audit 3, info)', () => {
    const { environment, secrets } = container()
    for (const name of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY']) {
      expect(secrets).toContainEqual({ name, valueFrom: PARAMETER(name) })
      expect(grants('execution_role').ReadSecrets!.resources).toContain(PARAMETER(name))
      expect(grants('task_role').ReadSecrets).toBeUndefined()
    }
    expect(environment.map((v) => v.name)).not.toContain('VAPID_PRIVATE_KEY')
    expect(readFileSync('docs/self-hosting.md', 'utf8')).toMatch(/for name in [^\n]*VAPID_PUBLIC_KEY VAPID_PRIVATE_KEY/)
  })

  it('should let only the load balancer reach the tasks, on the container port', () => {
    const ingress = Object.values(resources('aws_vpc_security_group_ingress_rule')).filter((rule) => rule.security_group_id === '${aws_security_group.tasks_sg.id}')
    expect(ingress).toEqual([expect.objectContaining({ ip_protocol: 'tcp', from_port: 8787, to_port: 8787, referenced_security_group_id: '${aws_security_group.load_balancer_sg.id}' })])
  })

  it('should configure the task like production needs: plain values as environment, secrets by SSM reference, AWS calls as the task role', () => {
    const { environment, secrets } = container()
    expect(secrets).toEqual(TASK_SECRETS.map((name) => ({ name, valueFrom: PARAMETER(name) })))
    for (const { name } of environment) expect(name).not.toMatch(/SECRET|TOKEN|PEPPER|PASSWORD|KEY/)
    // No AWS key: ECS sets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI in a task with a task role, and the runtime signs with it.
    for (const { name } of [...environment, ...secrets]) expect(name).not.toMatch(/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/)
    expect(missingInProduction([...environment, ...secrets].map((v) => v.name), { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/task' })).toEqual([])
    // ...which the config needs: without the task's endpoint, production would refuse to start keyless.
    expect(missingInProduction([...environment, ...secrets].map((v) => v.name))).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
    expect(Object.fromEntries(environment.map((v) => [v.name, v.value]))).toMatchObject({
      ENVIRONMENT: 'production',
      HOST: '0.0.0.0',
      DYNAMODB_TABLE: '${data.aws_dynamodb_table.table.name}',
      SNS_TOPIC_ARN: '${data.aws_sns_topic.events_topic.arn}',
      SQS_QUEUE_URL: '${data.aws_sqs_queue.notifications_queue.url}',
      MEDIA_S3_BUCKET: '${aws_s3_bucket.media_bucket.bucket}',
      TRUSTED_CLIENT_IP_HEADER: 'X-Forwarded-For',
      CRON_SCHEDULER: 'off',
    })
    // The app stack's resources, by the names that stack gives them.
    expect(ecs.data?.aws_dynamodb_table?.table).toMatchObject({ name: only(app, 'aws_dynamodb_table').name })
    expect(ecs.data?.aws_sqs_queue?.notifications_queue).toMatchObject({ name: app.resource.aws_sqs_queue!.notifications_queue!.name })
    expect(ecs.data?.aws_sns_topic?.events_topic).toMatchObject({ name: only(app, 'aws_sns_topic').name })
  })
})

describe('ECS IAM (kept exact)', () => {
  const trust = (id: string) => statementsOf(resources('aws_iam_role')[id]!.assume_role_policy)

  it('should give the task role exactly the worker\'s grants, on this stack\'s references to the same resources, and the media bucket\'s', () => {
    const worker = Object.fromEntries(statementsOf(only(app, 'aws_iam_user_policy').policy).map((s) => [s.Sid, asList(s.Action)]))
    const task = grants('task_role')
    // The Node runtime's media store on S3 (NODE_APP_MEDIA_METHODS): objects under the bucket, listing on the bucket itself.
    expect(Object.fromEntries(Object.entries(task).map(([sid, grant]) => [sid, grant.actions]))).toEqual({
      ...worker,
      MediaObjects: s3ActionsFor(NODE_APP_MEDIA_METHODS).filter((action) => action !== 's3:ListBucket'),
      ListMedia: ['s3:ListBucket'],
    })
    expect(s3ActionsFor(NODE_APP_MEDIA_METHODS)).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'])
    expect(Object.fromEntries(Object.entries(task).map(([sid, grant]) => [sid, grant.resources]))).toEqual({
      TableItems: ['${data.aws_dynamodb_table.table.arn}'],
      IndexQueries: ['${data.aws_dynamodb_table.table.arn}/index/gsi1', '${data.aws_dynamodb_table.table.arn}/index/gsi2'],
      PublishEvents: ['${data.aws_sns_topic.events_topic.arn}'],
      ConsumeNotifications: ['${data.aws_sqs_queue.security_queue.arn}', '${data.aws_sqs_queue.notifications_queue.arn}'],
      SendEmail: ['arn:${data.aws_partition.partition.partition}:ses:${data.aws_region.current.region}:${data.aws_caller_identity.caller.account_id}:identity/${var.mail_domain}'],
      MediaObjects: ['${aws_s3_bucket.media_bucket.arn}/*'],
      ListMedia: ['${aws_s3_bucket.media_bucket.arn}'],
    })
  })

  it('should let ECS pull this repository, log to this group and read exactly the task\'s parameters', () => {
    expect(grants('execution_role')).toEqual({
      RegistryLogin: { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      PullImage: { actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: ['${aws_ecr_repository.repository.arn}'] },
      WriteLogs: { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: ['${aws_cloudwatch_log_group.logs.arn}:*'] },
      ReadSecrets: { actions: ['ssm:GetParameters'], resources: TASK_SECRETS.map(PARAMETER) },
    })
  })

  it('should let EventBridge run only this task definition on this cluster, passing only the task\'s roles to ECS', () => {
    expect(policyOf('events_role')).toEqual([
      { Sid: 'RunCronTask', Effect: 'Allow', Action: ['ecs:RunTask'], Resource: ['${aws_ecs_task_definition.task.arn}'], Condition: { ArnEquals: { 'ecs:cluster': '${aws_ecs_cluster.cluster.arn}' } } },
      {
        Sid: 'PassTaskRoles',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: ['${aws_iam_role.task_role.arn}', '${aws_iam_role.execution_role.arn}'],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ])
  })

  it('should have wildcards only where a name cannot be known ahead (the registry login, the bucket\'s objects, the cluster\'s tasks), and roles only their service assumes', () => {
    const wildcards = Object.keys(resources('aws_iam_role')).flatMap((id) =>
      policyOf(id).flatMap((s) => asList(s.Resource).filter((r) => r.includes('*') && !r.endsWith(':*')).map((r) => `${id} ${s.Sid} ${r}`)),
    )
    expect(wildcards.sort()).toEqual([
      'execution_role RegistryLogin *',
      'task_role MediaObjects ${aws_s3_bucket.media_bucket.arn}/*',
      'transcoder_execution_role RegistryLogin *',
      'transcoder_task_role MediaObjects ${aws_s3_bucket.media_bucket.arn}/*',
      'transcoder_task_role ProtectRunningJob arn:${data.aws_partition.partition.partition}:ecs:${data.aws_region.current.region}:${data.aws_caller_identity.caller.account_id}:task/${aws_ecs_cluster.cluster.name}/*',
    ])
    for (const statement of Object.keys(resources('aws_iam_role')).flatMap((id) => policyOf(id))) for (const action of asList(statement.Action)) expect(action).not.toContain('*')
    const thisAccount = { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.caller.account_id}' } }
    expect(trust('task_role')).toEqual([{ Sid: 'AssumedByService', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: ['sts:AssumeRole'], Condition: thisAccount }])
    expect(trust('execution_role')[0]!.Principal).toEqual({ Service: 'ecs-tasks.amazonaws.com' })
    expect(trust('events_role')[0]!.Principal).toEqual({ Service: 'events.amazonaws.com' })
    expect(resources('aws_ecs_task_definition').task).toMatchObject({ task_role_arn: '${aws_iam_role.task_role.arn}', execution_role_arn: '${aws_iam_role.execution_role.arn}' })
  })
})

describe('the cron triggers on EventBridge', () => {
  it('should convert the cron table to EventBridge schedules (UTC; ? in one day field; Sunday-based day names)', () => {
    expect(toEventBridgeSchedule('*/5 * * * *')).toBe('cron(0/5 * * * ? *)')
    expect(toEventBridgeSchedule('0 6 * * *')).toBe('cron(0 6 * * ? *)')
    expect(toEventBridgeSchedule('0 7 * * 1')).toBe('cron(0 7 ? * MON *)')
    expect(toEventBridgeSchedule('30 2 * * 0,6')).toBe('cron(30 2 ? * SUN,SAT *)')
    expect(() => toEventBridgeSchedule('0 6 1 * 1')).toThrow(/cannot combine/)
    expect(() => toEventBridgeSchedule('0 6 * *')).toThrow(/five-field/)
  })

  it('should run the task with the cron CLI once per trigger of the cron table', () => {
    const rules = Object.values(resources('aws_cloudwatch_event_rule'))
    expect(rules.map((rule) => rule.schedule_expression).sort()).toEqual(Object.values(CRON).map(toEventBridgeSchedule).sort())
    const targets = Object.values(resources('aws_cloudwatch_event_target'))
    expect(targets).toHaveLength(Object.keys(CRON).length)
    for (const [job, expression] of Object.entries(CRON)) {
      const target = resources('aws_cloudwatch_event_target')[`cron_${job}_task`]!
      expect(target).toMatchObject({
        rule: `\${aws_cloudwatch_event_rule.cron_${job}.name}`,
        arn: '${aws_ecs_cluster.cluster.arn}',
        role_arn: '${aws_iam_role.events_role.arn}',
        ecs_target: { task_definition_arn: '${aws_ecs_task_definition.task.arn}', launch_type: 'FARGATE', task_count: 1, network_configuration: { subnets: '${var.private_subnet_ids}' } },
      })
      expect(JSON.parse(String(target.input))).toEqual({ containerOverrides: [{ name: 'flixpeek', command: ['node', 'dist/cron.js', expression] }] })
    }
  })
})
