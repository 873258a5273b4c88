import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { TRANSCODE_QUEUE } from '../../infra/resources'
import { TRANSCODER_ECS_ACTIONS, TRANSCODER_MEDIA_METHODS, TRANSCODER_OPERATIONS, iamActionsFor, s3ActionsFor } from '../../infra/worker-access'
import { transcoderConfig } from '../../src/transcoder/config'
import { readInputs } from '../../cdktf/inputs'
import { asList, BESIDE_APP_INPUTS, statementsOf, synthStacks, type TerraformJson } from './support/synth'

/**
 * The transcoder wherever the app runs (cdktf/transcoder-service.ts): its own stack for a Workers environment (media
 * through the worker), and inside the ECS stack for the Node runtime (media in the S3 bucket that stack creates).
 */
let workers: TerraformJson
let app: TerraformJson
let ecs: TerraformJson
let kubernetes: Record<string, TerraformJson>
/** Every stack of both syntheses: the app and Workers transcoder stacks of each environment, the ECS and Kubernetes ones. */
let everyStack: [string, TerraformJson][]
beforeAll(async () => {
  const stacks = await synthStacks()
  workers = stacks['netflix-clone-prod-transcoder']!
  app = stacks['netflix-clone-prod']!
  // The same inputs as test/ops/cdktf-ecs.test.ts (prod on ECS, dev on Kubernetes): synthesized once for both files.
  kubernetes = await synthStacks(BESIDE_APP_INPUTS)
  ecs = kubernetes['netflix-clone-prod-ecs']!
  everyStack = Object.entries({ ...stacks, ...kubernetes })
}, 60_000)

const resource = (stack: TerraformJson, type: string, id: string) => {
  const found = stack.resource[type]?.[id]
  if (!found) throw new Error(`no ${type}.${id}`)
  return found
}
const grants = (stack: TerraformJson, role: string) =>
  Object.fromEntries(statementsOf(resource(stack, 'aws_iam_role_policy', `${role}_policy`).policy).map((s) => [s.Sid, { actions: asList(s.Action), resources: asList(s.Resource) }]))
interface Container { image: string; command: string[]; user: string; readonlyRootFilesystem: boolean; stopTimeout: number; environment: { name: string; value: string }[]; secrets: { name: string; valueFrom: string }[]; mountPoints: { sourceVolume: string; containerPath: string }[] }
const containerOf = (stack: TerraformJson) => (JSON.parse(String(resource(stack, 'aws_ecs_task_definition', 'transcoder_task').container_definitions)) as Container[])[0]!
const environmentOf = (stack: TerraformJson) => Object.fromEntries(containerOf(stack).environment.map((v) => [v.name, v.value]))
const ACCOUNT = 'arn:${data.aws_partition.partition.partition}:${service}:${data.aws_region.current.region}:${data.aws_caller_identity.caller.account_id}'
const arnOf = (service: string, rest: string) => `${ACCOUNT.replace('${service}', service)}:${rest}`

describe('the transcoder of a Workers environment (its own stack)', () => {
  it('should read the app stack\'s table, topic and transcode queue by name, and keep its own state', () => {
    expect(workers.data?.aws_sqs_queue?.transcode_queue).toMatchObject({ name: resource(app, 'aws_sqs_queue', 'transcode_queue').name })
    expect(workers.data?.aws_dynamodb_table?.table).toMatchObject({ name: 'netflix-clone-prod' })
    expect(workers.data?.aws_sns_topic?.events_topic).toMatchObject({ name: 'netflix-clone-prod-events' })
    expect(workers.terraform.backend).toEqual({ local: { path: 'terraform.netflix-clone-prod-transcoder.tfstate' } })
  })

  it('should run the transcoder image by digest, read-only, with its scratch on the task\'s ephemeral storage (100 GiB by default)', () => {
    const task = resource(workers, 'aws_ecs_task_definition', 'transcoder_task')
    expect(task).toMatchObject({ requires_compatibilities: ['FARGATE'], cpu: '${var.transcoder_cpu}', memory: '${var.transcoder_memory}', ephemeral_storage: { size_in_gib: '${var.transcoder_ephemeral_storage_gib}' } })
    expect(workers.variable.transcoder_ephemeral_storage_gib).toMatchObject({ type: 'number', default: 100 })
    expect(workers.variable.transcoder_cpu).toMatchObject({ default: 4096 })
    expect(workers.variable.transcoder_memory).toMatchObject({ default: 8192 })
    const container = containerOf(workers)
    // By digest; before one is set, a reference no task pulls (the service's maximum is 0 then).
    expect(container.image).toBe('${local.transcoder_image}')
    expect((workers as unknown as { locals: Record<string, string> }).locals.transcoder_image).toBe(
      '${(length(var.transcoder_image_digest) >= 1) ? "${aws_ecr_repository.transcoder_repository.repository_url}@${var.transcoder_image_digest}" : "${aws_ecr_repository.transcoder_repository.repository_url}:no-image-yet"}',
    )
    expect(workers.output.transcoder_image_digest_deployed!.value).toBe('${var.transcoder_image_digest}')
    expect(container).toMatchObject({ command: ['node', 'dist/transcoder.js'], user: '1000:1000', readonlyRootFilesystem: true })
    expect(container.mountPoints.map((m) => [m.sourceVolume, m.containerPath])).toEqual([['scratch', '/scratch'], ['tmp', '/tmp']])
    // force_delete: destroying the stack must not stop at a repository holding images (they are rebuilt from git).
    expect(resource(workers, 'aws_ecr_repository', 'transcoder_repository')).toMatchObject({ name: 'netflix-clone-prod-transcoder', image_tag_mutability: 'IMMUTABLE', force_delete: true })
  })

  it('should reach the media through the worker\'s internal routes, signing with MEDIA_WRITE_SECRET from SSM (no R2 or S3 credential in AWS)', () => {
    const container = containerOf(workers)
    expect(environmentOf(workers)).toMatchObject({
      ENVIRONMENT: 'production',
      TRANSCODER_MEDIA_URL: '${var.app_url}',
      TRANSCODE_QUEUE_URL: '${data.aws_sqs_queue.transcode_queue.url}',
      TRANSCODE_SCRATCH_DIR: '/scratch',
      DYNAMODB_TABLE: '${data.aws_dynamodb_table.table.name}',
      SNS_TOPIC_ARN: '${data.aws_sns_topic.events_topic.arn}',
    })
    expect(container.secrets).toEqual([{ name: 'MEDIA_WRITE_SECRET', valueFrom: arnOf('ssm', 'parameter${var.ssm_parameter_prefix}/MEDIA_WRITE_SECRET') }])
    expect(JSON.stringify(workers)).not.toMatch(/s3:|R2_|AWS_SECRET_ACCESS_KEY|JWT_SECRET|PASSWORD_PEPPER|TMDB/)
    // What the task gets is enough for the transcoder to start in production (the task role signs its AWS calls).
    const resolved: Record<string, string> = {
      AWS_REGION: 'us-east-1',
      DYNAMODB_TABLE: 'netflix-clone-prod',
      SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:netflix-clone-prod-events',
      TRANSCODE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/netflix-clone-prod-transcode',
      TRANSCODER_MEDIA_URL: 'https://flixpeek.example',
    }
    const vars = { ...environmentOf(workers), ...resolved, MEDIA_WRITE_SECRET: 'a-stand-in-secret-of-at-least-32-bytes!', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/task' }
    expect(Object.values(vars).join(' ')).not.toContain('${')
    expect(() => transcoderConfig(vars)).not.toThrow()
    expect(() => transcoderConfig({ ...vars, MEDIA_WRITE_SECRET: undefined })).toThrow(/MEDIA_WRITE_SECRET/)
  })

  it('should scale 0 → one task per job on the queue\'s visible + in-flight messages, and back to 0 when idle', () => {
    const target = resource(workers, 'aws_appautoscaling_target', 'transcoder_scaling_target')
    expect(target).toMatchObject({ min_capacity: 0, scalable_dimension: 'ecs:service:DesiredCount', resource_id: 'service/${aws_ecs_cluster.cluster.name}/${aws_ecs_service.transcoder_service.name}' })
    // Nothing runs before an image digest is set.
    expect(target.max_capacity).toBe('${(length(var.transcoder_image_digest) >= 1) ? var.transcoder_max_tasks : 0}')
    expect(resource(workers, 'aws_ecs_service', 'transcoder_service')).toMatchObject({ desired_count: 0, launch_type: 'FARGATE', lifecycle: { ignore_changes: ['desired_count'] } })

    const jobs = resource(workers, 'aws_cloudwatch_metric_alarm', 'transcoder_jobs')
    const queries = jobs.metric_query as { id: string; expression?: string; metric?: { metric_name: string; dimensions: Record<string, string> } }[]
    expect(queries.filter((q) => q.metric).map((q) => [q.metric!.metric_name, q.metric!.dimensions.QueueName])).toEqual([
      ['ApproximateNumberOfMessagesVisible', '${data.aws_sqs_queue.transcode_queue.name}'],
      ['ApproximateNumberOfMessagesNotVisible', '${data.aws_sqs_queue.transcode_queue.name}'],
    ])
    expect(queries.find((q) => q.expression)?.expression).toBe('visible + in_flight')
    expect(jobs).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 0, alarm_actions: ['${aws_appautoscaling_policy.transcoder_scale_out.arn}'] })
    expect(resource(workers, 'aws_cloudwatch_metric_alarm', 'transcoder_idle')).toMatchObject({ comparison_operator: 'LessThanOrEqualToThreshold', threshold: 0, alarm_actions: ['${aws_appautoscaling_policy.transcoder_scale_in.arn}'] })

    // n jobs → n tasks: the steps cover every backlog from 1 up, each asking for exactly that many tasks.
    const out = resource(workers, 'aws_appautoscaling_policy', 'transcoder_scale_out').step_scaling_policy_configuration as { adjustment_type: string; step_adjustment: { metric_interval_lower_bound?: string; metric_interval_upper_bound?: string; scaling_adjustment: number }[] }
    expect(out.adjustment_type).toBe('ExactCapacity')
    const tasksFor = (backlog: number) => out.step_adjustment.find((s) => backlog >= Number(s.metric_interval_lower_bound ?? -Infinity) && backlog < Number(s.metric_interval_upper_bound ?? Infinity))?.scaling_adjustment
    expect([1, 2, 3, 9, 10, 50].map(tasksFor)).toEqual([1, 2, 3, 9, 10, 10])
    const scaleIn = resource(workers, 'aws_appautoscaling_policy', 'transcoder_scale_in').step_scaling_policy_configuration
    expect(scaleIn).toMatchObject({ adjustment_type: 'ExactCapacity', step_adjustment: [{ metric_interval_upper_bound: '0', scaling_adjustment: 0 }] })
  })

  it('should give the task role exactly the transcoder\'s calls, its queue only, and scale-in protection of its own cluster\'s tasks', () => {
    expect(grants(workers, 'transcoder_task_role')).toEqual({
      VideoItems: { actions: iamActionsFor('dynamodb', TRANSCODER_OPERATIONS.dynamodb), resources: ['${data.aws_dynamodb_table.table.arn}'] },
      PublishEvents: { actions: ['sns:Publish'], resources: ['${data.aws_sns_topic.events_topic.arn}'] },
      ConsumeJobs: { actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'], resources: ['${data.aws_sqs_queue.transcode_queue.arn}'] },
      ProtectRunningJob: { actions: [...TRANSCODER_ECS_ACTIONS], resources: [arnOf('ecs', 'task/${aws_ecs_cluster.cluster.name}/*')] },
    })
    expect(grants(workers, 'transcoder_execution_role')).toMatchObject({
      PullImage: { resources: ['${aws_ecr_repository.transcoder_repository.arn}'] },
      ReadSecrets: { actions: ['ssm:GetParameters'], resources: [arnOf('ssm', 'parameter${var.ssm_parameter_prefix}/MEDIA_WRITE_SECRET')] },
    })
  })

  it('should run in the default VPC unless a VPC and subnets are given, reachable from nowhere', () => {
    expect(workers.data?.aws_vpc?.vpc).toMatchObject({ default: '${(length(var.vpc_id) < 1)}', id: '${(length(var.vpc_id) < 1) ? null : var.vpc_id}' })
    const network = resource(workers, 'aws_ecs_service', 'transcoder_service').network_configuration as Record<string, unknown>
    expect(network.subnets).toBe('${(length(var.subnet_ids) >= 1) ? var.subnet_ids : data.aws_subnets.vpc_subnets.ids}')
    // Subnets without their VPC would put the security group in the default VPC: refused at plan time.
    expect((workers.variable.subnet_ids as unknown as { validation: { condition: string }[] }).validation[0]!.condition).toBe('length(var.subnet_ids) == 0 || length(var.vpc_id) > 0')
    expect(workers.resource.aws_vpc_security_group_ingress_rule).toBeUndefined()
    expect(Object.values(workers.resource.aws_vpc_security_group_egress_rule!)).toEqual([expect.objectContaining({ from_port: 443, to_port: 443 })])
  })
})

describe('IAM principals', () => {
  const principals = (type: 'aws_iam_user' | 'aws_iam_role') => everyStack.flatMap(([id, stack]) => Object.values(stack.resource[type] ?? {}).map((principal): [string, Record<string, unknown>] => [`${id} ${String(principal.name)}`, principal]))

  it('should give every IAM user and role of every stack the permissions boundary, as docs/setup.md §4.3 says (audit 3, L5)', () => {
    expect(readFileSync('docs/setup.md', 'utf8')).toMatch(/every IAM user and role the stacks create\s+gets it/)
    expect(everyStack.map(([id]) => id).sort()).toEqual([
      'netflix-clone-dev', 'netflix-clone-dev-kubernetes', 'netflix-clone-dev-transcoder', 'netflix-clone-prod', 'netflix-clone-prod-ecs', 'netflix-clone-prod-transcoder',
    ])
    const bounded = '${(length(var.permissions_boundary_arn) >= 1) ? var.permissions_boundary_arn : null}'
    const all = [...principals('aws_iam_user'), ...principals('aws_iam_role')]
    // The worker user of each app stack, two transcoder roles per Workers environment, ECS's five, Kubernetes' two.
    expect(principals('aws_iam_user')).toHaveLength(2)
    expect(all).toHaveLength(2 + 2 * 2 + 5 + 2)
    for (const [name, principal] of all) expect(principal.permissions_boundary, name).toBe(bounded)
    for (const [id, stack] of everyStack) if (stack.resource.aws_iam_role || stack.resource.aws_iam_user) expect(stack.variable.permissions_boundary_arn, id).toMatchObject({ type: 'string', default: '' })
  })

  it('should let AWS services assume the stacks\' roles only on behalf of the deploying account (aws:SourceAccount, audit 3 L5)', () => {
    const serviceRoles = principals('aws_iam_role').filter(([, role]) => statementsOf(role.assume_role_policy).some((s) => s.Principal?.Service))
    // ECS's task, execution and EventBridge roles, and every transcoder's two (the Kubernetes roles trust an OIDC provider instead).
    expect(serviceRoles).toHaveLength(2 * 2 + 5)
    for (const [name, role] of serviceRoles) {
      for (const statement of statementsOf(role.assume_role_policy)) {
        expect(statement.Condition, name).toEqual({ StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.caller.account_id}' } })
      }
    }
    for (const [id, stack] of everyStack) if (stack.resource.aws_iam_role && id !== 'netflix-clone-dev-kubernetes') expect(stack.data?.aws_caller_identity?.caller, id).toBeDefined()
  })

  it('should document the deploy rights for what the stacks create: SES, and a separate bounded role for the ECS and Kubernetes stacks (audit 3, L5)', () => {
    const setup = readFileSync('docs/setup.md', 'utf8')
    // What Terraform calls for each SES resource type the app stack declares; a new type fails here until documented.
    const SES_ACTIONS: Record<string, string[]> = {
      aws_sesv2_email_identity: ['ses:CreateEmailIdentity', 'GetEmailIdentity', 'DeleteEmailIdentity', 'PutEmailIdentityDkimSigningAttributes', 'PutEmailIdentityConfigurationSetAttributes'],
      aws_sesv2_email_identity_mail_from_attributes: ['PutEmailIdentityMailFromAttributes'],
      aws_sesv2_configuration_set: ['CreateConfigurationSet', 'GetConfigurationSet', 'DeleteConfigurationSet', 'PutConfigurationSetSuppressionOptions'],
    }
    const sesTypes = Object.keys(app.resource).filter((type) => type.startsWith('aws_ses'))
    expect(sesTypes).toContain('aws_sesv2_email_identity')
    for (const type of sesTypes) {
      expect(SES_ACTIONS, `${type}: list its actions in docs/setup.md §4.3`).toHaveProperty(type)
      for (const action of SES_ACTIONS[type]!) expect(setup, type).toContain(`\`${action}\``)
    }
    expect(setup).toMatch(/`arn:aws:ses:<region>:<account>:identity\/<mail domain>`/)
    // The ECS and Kubernetes stacks: their own deploy role, every role they create named, each forced under the boundary.
    const section = /\*\*The ECS and Kubernetes stacks: a deploy role of their own\.\*\*([\s\S]*?)\n\n/.exec(setup)?.[1] ?? ''
    const created = [ecs, kubernetes['netflix-clone-dev-kubernetes']!].flatMap((stack) => Object.values(stack.resource.aws_iam_role ?? {}).map((role) => String(role.name)))
    expect(created).toHaveLength(5 + 2)
    for (const name of created) expect(section, name).toContain(`\`${name.replace(/^netflix-clone-(\w+)-(k8s-)?/, (_, env: string, k8s?: string) => (k8s ? '<p>-<env>-k8s-' : `<p>-${env}-`))}\``)
    expect(section).toContain('`iam:CreateRole`')
    expect(section).toContain('"StringEquals": { "iam:PermissionsBoundary": "<PERMISSIONS_BOUNDARY_ARN>" }')
    expect(section).toContain('aws:SourceAccount')
  })
})

describe('the Node runtime on ECS: its S3 media bucket and its transcoder', () => {
  it('should create a private, encrypted bucket that aborts incomplete multipart uploads after 7 days', () => {
    expect(resource(ecs, 'aws_s3_bucket', 'media_bucket')).toMatchObject({ bucket: 'netflix-clone-prod-media' })
    expect(resource(ecs, 'aws_s3_bucket', 'media_bucket').force_destroy).not.toBe(true)
    expect(resource(ecs, 'aws_s3_bucket_public_access_block', 'media_bucket_private')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true })
    expect(resource(ecs, 'aws_s3_bucket_ownership_controls', 'media_bucket_ownership')).toMatchObject({ rule: { object_ownership: 'BucketOwnerEnforced' } })
    expect(resource(ecs, 'aws_s3_bucket_server_side_encryption_configuration', 'media_bucket_encryption')).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] })
    expect(resource(ecs, 'aws_s3_bucket_lifecycle_configuration', 'media_bucket_lifecycle').rule).toEqual([
      { id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{ prefix: '' }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] },
    ])
  })

  it('should run the transcoder beside the app on the bucket, with exactly the S3 calls it makes', () => {
    expect(environmentOf(ecs)).toMatchObject({ MEDIA_S3_BUCKET: '${aws_s3_bucket.media_bucket.bucket}', TRANSCODE_QUEUE_URL: '${data.aws_sqs_queue.transcode_queue.url}' })
    expect(environmentOf(ecs)).not.toHaveProperty('TRANSCODER_MEDIA_URL')
    expect(containerOf(ecs).secrets).toEqual([])
    expect(ecs.data?.aws_sqs_queue?.transcode_queue).toMatchObject({ name: `netflix-clone-prod${TRANSCODE_QUEUE.suffix}` })
    expect(grants(ecs, 'transcoder_task_role')).toMatchObject({
      MediaObjects: { actions: s3ActionsFor(TRANSCODER_MEDIA_METHODS), resources: ['${aws_s3_bucket.media_bucket.arn}/*'] },
      ProtectRunningJob: { resources: [arnOf('ecs', 'task/${aws_ecs_cluster.cluster.name}/*')] },
    })
    // No secret to read on S3: no ReadSecrets statement (IAM refuses one without resources).
    expect(grants(ecs, 'transcoder_execution_role')).not.toHaveProperty('ReadSecrets')
    expect(Object.values(grants(ecs, 'transcoder_execution_role')).every((grant) => grant.resources.length > 0)).toBe(true)
    // It never lists or deletes: no ListBucket statement, no DeleteObject.
    expect(grants(ecs, 'transcoder_task_role')).not.toHaveProperty('ListMedia')
    expect(s3ActionsFor(TRANSCODER_MEDIA_METHODS)).toEqual(['s3:GetObject', 's3:PutObject'])
    expect(resource(ecs, 'aws_ecs_service', 'transcoder_service')).toMatchObject({ cluster: '${aws_ecs_cluster.cluster.id}', network_configuration: { subnets: '${var.private_subnet_ids}' } })
  })
})

describe('the Node runtime on Kubernetes in AWS (KUBERNETES_ENVIRONMENTS): its bucket and IRSA roles', () => {
  const stack = () => kubernetes['netflix-clone-dev-kubernetes']!
  const trust = (role: string) => statementsOf(resource(stack(), 'aws_iam_role', role).assume_role_policy)

  it('should replace the environment\'s transcoder stack (its transcoder is the Deployment) and refuse ECS and Kubernetes at once', () => {
    expect(Object.keys(kubernetes).sort()).toEqual(['netflix-clone-dev', 'netflix-clone-dev-kubernetes', 'netflix-clone-prod', 'netflix-clone-prod-ecs'])
    expect(stack().terraform.backend.s3).toMatchObject({ key: 'netflix-clone/dev-kubernetes.tfstate' })
    expect(() => readInputs({ ECS_ENVIRONMENTS: 'prod', KUBERNETES_ENVIRONMENTS: 'prod' })).toThrow(/ECS or on Kubernetes, not both/)
    expect(resource(stack(), 'aws_s3_bucket_lifecycle_configuration', 'media_bucket_lifecycle').rule).toEqual(resource(ecs, 'aws_s3_bucket_lifecycle_configuration', 'media_bucket_lifecycle').rule)
    expect(resource(stack(), 'aws_s3_bucket_public_access_block', 'media_bucket_private')).toMatchObject({ block_public_acls: true, restrict_public_buckets: true })
  })

  it('should let each ServiceAccount alone assume its role, through the cluster\'s OIDC provider (its issuer given without https://)', () => {
    const condition = (stack().variable.oidc_issuer as unknown as { validation: { condition: string }[] }).validation[0]!.condition
    const pattern = new RegExp(/regex\("(.*)", var/.exec(condition)![1]!.replaceAll('\\\\', '\\'))
    expect(pattern.test('oidc.eks.eu-west-1.amazonaws.com/id/ABC123')).toBe(true)
    expect(pattern.test('https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123')).toBe(false)
    for (const [role, account] of [['web_role', 'flixpeek'], ['transcoder_role', 'flixpeek-transcoder']] as const) {
      expect(trust(role)).toEqual([{
        Sid: 'AssumedByServiceAccount',
        Effect: 'Allow',
        Principal: { Federated: '${var.oidc_provider_arn}' },
        Action: ['sts:AssumeRoleWithWebIdentity'],
        Condition: { StringEquals: { '${var.oidc_issuer}:sub': `system:serviceaccount:\${var.namespace}:${account}`, '${var.oidc_issuer}:aud': 'sts.amazonaws.com' } },
      }])
    }
  })

  it('should give the web pods the worker\'s grants plus the bucket, the transcoder its own and S3 get and put (no task protection off ECS)', () => {
    const web = grants(stack(), 'web_role')
    expect(Object.keys(web)).toEqual(['TableItems', 'IndexQueries', 'PublishEvents', 'ConsumeNotifications', 'SendEmail', 'MediaObjects', 'ListMedia'])
    expect(web.ConsumeNotifications!.resources).toEqual(['${data.aws_sqs_queue.security_queue.arn}', '${data.aws_sqs_queue.notifications_queue.arn}'])
    expect(grants(stack(), 'transcoder_role')).toEqual({
      VideoItems: { actions: iamActionsFor('dynamodb', TRANSCODER_OPERATIONS.dynamodb), resources: ['${data.aws_dynamodb_table.table.arn}'] },
      PublishEvents: { actions: ['sns:Publish'], resources: ['${data.aws_sns_topic.events_topic.arn}'] },
      ConsumeJobs: { actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'], resources: ['${data.aws_sqs_queue.transcode_queue.arn}'] },
      MediaObjects: { actions: ['s3:GetObject', 's3:PutObject'], resources: ['${aws_s3_bucket.media_bucket.arn}/*'] },
    })
    // Outside EKS the same grants go to an IAM user: each policy is an output.
    expect(Object.keys(stack().output).sort()).toEqual(['media_bucket_name', 'transcoder_role_arn', 'transcoder_role_policy_json', 'web_role_arn', 'web_role_policy_json'])
  })
})
