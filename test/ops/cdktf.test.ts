import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readInputs } from '../../cdktf/inputs'
import { MAIN_TABLE, NOTIFICATIONS_QUEUE, QUEUES, TRANSCODE_QUEUE, queueKey } from '../../infra/resources'
import { WORKER_OPERATIONS, iamActionsFor } from '../../infra/worker-access'
import { asList, only, statementsOf, synthStacks, type TerraformJson } from './support/synth'

let stacks: Record<string, TerraformJson>
let prod: TerraformJson
let dev: TerraformJson
beforeAll(async () => {
  stacks = await synthStacks()
  prod = stacks['netflix-clone-prod']!
  dev = stacks['netflix-clone-dev']!
})

describe('cdktf stacks', () => {
  it('should synthesize an app stack and a transcoder stack per environment, named from the prefix', async () => {
    expect(Object.keys(stacks).sort()).toEqual(['netflix-clone-dev', 'netflix-clone-dev-transcoder', 'netflix-clone-prod', 'netflix-clone-prod-transcoder'])
    const custom = await synthStacks({ STACK_PREFIX: 'movies', STACK_ENVIRONMENTS: 'dev' })
    expect(Object.keys(custom)).toEqual(['movies-dev', 'movies-dev-transcoder'])
    expect(only(custom['movies-dev']!, 'aws_dynamodb_table').name).toBe('movies-dev')
  })

  it('should create the table from infra/resources.ts: keys, gsi1, gsi2, TTL, PITR, encryption, on-demand', () => {
    const table = only(prod, 'aws_dynamodb_table')
    expect(table).toMatchObject({
      name: 'netflix-clone-prod',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: MAIN_TABLE.partitionKey,
      range_key: MAIN_TABLE.sortKey,
      ttl: { attribute_name: 'expires_at', enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
    })
    expect(table.attribute).toEqual(MAIN_TABLE.attributes)
    expect(table.global_secondary_index).toEqual([
      { name: 'gsi1', hash_key: 'gsi1pk', range_key: 'gsi1sk', projection_type: 'ALL' },
      { name: 'gsi2', hash_key: 'gsi2pk', range_key: 'gsi2sk', projection_type: 'ALL' },
    ])
  })

  it('should protect only the production table from deletion, through a variable destroy can lift', () => {
    for (const stack of [prod, dev]) {
      expect(only(stack, 'aws_dynamodb_table').deletion_protection_enabled).toBe('${var.deletion_protection}')
    }
    expect(prod.variable.deletion_protection).toMatchObject({ type: 'bool', default: true })
    expect(dev.variable.deletion_protection).toMatchObject({ type: 'bool', default: false })
  })

  it('should wire each queue of infra/resources.ts to its dead-letter queue with its maxReceiveCount', () => {
    const queues = prod.resource.aws_sqs_queue!
    expect(Object.keys(queues).sort()).toEqual(['notifications_dlq', 'notifications_queue', 'security_dlq', 'security_queue', 'transcode_dlq', 'transcode_queue'])
    for (const definition of QUEUES) {
      const key = queueKey(definition)
      expect(queues[`${key}_queue`]).toMatchObject({
        name: `netflix-clone-prod${definition.suffix}`,
        visibility_timeout_seconds: definition.visibilityTimeoutSeconds,
        message_retention_seconds: definition.messageRetentionSeconds,
        sqs_managed_sse_enabled: true,
      })
      expect(JSON.parse(String(queues[`${key}_queue`]!.redrive_policy))).toEqual({
        deadLetterTargetArn: `\${aws_sqs_queue.${key}_dlq.arn}`,
        maxReceiveCount: definition.maxReceiveCount,
      })
      expect(queues[`${key}_dlq`]).toMatchObject({ name: `netflix-clone-prod${definition.deadLetterSuffix}`, message_retention_seconds: definition.deadLetterRetentionSeconds })
      const allow = prod.resource.aws_sqs_queue_redrive_allow_policy![`${key}_dlq_redrive_allow`]!
      expect(JSON.parse(String(allow.redrive_allow_policy)).sourceQueueArns).toEqual([`\${aws_sqs_queue.${key}_queue.arn}`])
    }
    // The transcoder's: a job's third delivery is its last, and its message stays hidden 15 minutes between renewals.
    expect(prod.resource.aws_sqs_queue!.transcode_queue).toMatchObject({ name: 'netflix-clone-prod-transcode', visibility_timeout_seconds: 900 })
    expect(TRANSCODE_QUEUE.maxReceiveCount).toBe(3)
  })

  it('should subscribe each queue to the topic with its filter (uploads to the transcoder only) and let only that topic send to it', () => {
    expect(only(prod, 'aws_sns_topic').name).toBe('netflix-clone-prod-events')
    const subscriptions = prod.resource.aws_sns_topic_subscription!
    expect(Object.keys(subscriptions).sort()).toEqual(['notifications_subscription', 'security_subscription', 'transcode_subscription'])
    for (const key of ['notifications', 'transcode']) {
      expect(subscriptions[`${key}_subscription`]).toMatchObject({ topic_arn: '${aws_sns_topic.events_topic.arn}', protocol: 'sqs', endpoint: `\${aws_sqs_queue.${key}_queue.arn}` })
      const policy = prod.resource.aws_sqs_queue_policy![`${key}_queue_policy`]!
      expect(policy.queue_url).toBe(`\${aws_sqs_queue.${key}_queue.url}`)
      expect(statementsOf(policy.policy)).toEqual([
        {
          Sid: 'TopicDelivers',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: ['sqs:SendMessage'],
          Resource: [`\${aws_sqs_queue.${key}_queue.arn}`],
          Condition: { ArnEquals: { 'aws:SourceArn': '${aws_sns_topic.events_topic.arn}' } },
        },
      ])
    }
    // Uploads are the transcoder's, security events the security queue's (audit 3, M4): the notifications queue never
    // receives them, and each of the other two nothing else.
    const others = { type: [{ 'anything-but': ['video.uploaded', 'user.password_changed', 'user.email_changed'] }] }
    expect(JSON.parse(String(subscriptions.notifications_subscription!.filter_policy))).toEqual(others)
    expect(JSON.parse(String(subscriptions.security_subscription!.filter_policy))).toEqual({ type: ['user.password_changed', 'user.email_changed'] })
    expect(JSON.parse(String(subscriptions.transcode_subscription!.filter_policy))).toEqual({ type: ['video.uploaded'] })
    expect(NOTIFICATIONS_QUEUE.filterPolicy).toEqual(others)
  })

  it('should point the app hostname at the Cloudflare for SaaS target, all from variables', () => {
    const records = prod.resource.aws_route53_record!
    expect(records.app_cname).toMatchObject({
      type: 'CNAME',
      zone_id: '${var.route53_zone_id}',
      name: '${var.app_hostname}',
      records: ['${var.cloudflare_cname_target}'],
      count: '${(length(var.route53_zone_id) >= 1) ? 1 : 0}',
    })
    expect(records.app_ownership_txt).toMatchObject({ type: 'TXT', name: '_cf-custom-hostname.${var.app_hostname}' })
    expect(records.app_certificate_txt).toMatchObject({ type: 'TXT', name: '_acme-challenge.${var.app_hostname}' })
    for (const name of ['route53_zone_id', 'app_hostname', 'cloudflare_cname_target', 'cloudflare_ownership_txt']) {
      expect(prod.variable[name]).toMatchObject({ type: 'string', default: '' })
    }
  })

  it('should output what the worker and the deploy script need', () => {
    expect(Object.keys(prod.output).sort()).toEqual(
      [
        'dead_letter_queue_url',
        'hostname',
        'mail_identity_arn',
        'queue_url',
        'region',
        'security_dead_letter_queue_url',
        'security_queue_url',
        'table_name',
        'topic_arn',
        'transcode_dead_letter_queue_url',
        'transcode_queue_url',
        'worker_user_name',
      ].sort(),
    )
    expect(prod.output.table_name!.value).toBe('${aws_dynamodb_table.table.name}')
    expect(prod.output.queue_url!.value).toBe('${aws_sqs_queue.notifications_queue.url}')
    expect(prod.output.transcode_queue_url!.value).toBe('${aws_sqs_queue.transcode_queue.url}')
    expect(prod.output.region!.value).toBe('${data.aws_region.current.region}')
  })
})

describe('worker IAM policy', () => {
  const policyOf = (stack: TerraformJson) => statementsOf(only(stack, 'aws_iam_user_policy').policy)

  it('should belong to the worker user, which has no access key in Terraform state', () => {
    expect(only(prod, 'aws_iam_user')).toMatchObject({ name: 'netflix-clone-prod-worker', force_destroy: true })
    expect(only(prod, 'aws_iam_user_policy').user).toBe('${aws_iam_user.worker_user.name}')
    expect(prod.resource.aws_iam_access_key).toBeUndefined()
  })

  it('should have no wildcard action or resource', () => {
    for (const statement of policyOf(prod)) {
      expect(statement.Effect).toBe('Allow')
      for (const action of asList(statement.Action)) expect(action).not.toContain('*')
      for (const resource of asList(statement.Resource)) expect(resource).not.toContain('*')
    }
  })

  it('should grant exactly the actions behind WORKER_OPERATIONS, each on exactly its resource', () => {
    const granted = Object.fromEntries(policyOf(prod).map((s) => [s.Sid, { actions: asList(s.Action), resources: asList(s.Resource) }]))
    expect(granted).toEqual({
      TableItems: { actions: iamActionsFor('dynamodb'), resources: ['${aws_dynamodb_table.table.arn}'] },
      IndexQueries: { actions: ['dynamodb:Query'], resources: ['${aws_dynamodb_table.table.arn}/index/gsi1', '${aws_dynamodb_table.table.arn}/index/gsi2'] },
      PublishEvents: { actions: ['sns:Publish'], resources: ['${aws_sns_topic.events_topic.arn}'] },
      ConsumeNotifications: { actions: iamActionsFor('sqs'), resources: ['${aws_sqs_queue.security_queue.arn}', '${aws_sqs_queue.notifications_queue.arn}'] },
      SendEmail: {
        actions: ['ses:SendEmail'],
        resources: ['arn:${data.aws_partition.partition.partition}:ses:${data.aws_region.current.region}:${data.aws_caller_identity.caller.account_id}:identity/${var.mail_domain}'],
      },
    })
  })

  it('should authorize transactions and batches by their underlying IAM actions', () => {
    expect(WORKER_OPERATIONS.dynamodb).toContain('TransactWriteItems')
    expect(iamActionsFor('dynamodb')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ])
    expect(iamActionsFor('sqs')).toEqual(['sqs:DeleteMessage', 'sqs:ReceiveMessage'])
    expect(iamActionsFor('sqs', ['DeleteMessageBatch', 'SendMessageBatch'])).toEqual(['sqs:DeleteMessage', 'sqs:SendMessage'])
  })
})

describe('portability', () => {
  it('should contain no account id, region, subnet or VPC id in any stack (networks are variables)', () => {
    for (const stack of Object.values(stacks)) {
      const text = JSON.stringify(stack)
      expect(text).not.toMatch(/(?<![\d.])\d{12}(?![\d.])/)
      expect(text).not.toMatch(/\b(us|eu|ap|sa|ca|me|af|il|mx)-(gov-)?[a-z]+-\d\b/)
      expect(text).not.toMatch(/arn:aws:/)
      expect(text).not.toMatch(/\b(subnet|vpc|sg)-[0-9a-f]{8,17}\b/)
      expect(stack.provider.aws[0]).not.toHaveProperty('region')
    }
  })
})

describe('remote state', () => {
  it('should use local state when no bucket is given (synth works anywhere)', () => {
    expect(Object.keys(prod.terraform.backend)).toEqual(['local'])
  })

  it('should use S3 with a lock, one key per environment, when the inputs are set', async () => {
    const remote = await synthStacks({ TF_STATE_BUCKET: 'state-bucket', TF_STATE_REGION: 'input-region', TF_STATE_LOCK_TABLE: 'locks' })
    expect(remote['netflix-clone-prod']!.terraform.backend).toEqual({
      s3: { bucket: 'state-bucket', key: 'netflix-clone/prod.tfstate', region: 'input-region', encrypt: true, dynamodb_table: 'locks' },
    })
    const lockfile = await synthStacks({ TF_STATE_BUCKET: 'state-bucket', AWS_REGION: 'input-region', STACK_ENVIRONMENTS: 'dev' })
    expect(lockfile['netflix-clone-dev']!.terraform.backend.s3).toMatchObject({ key: 'netflix-clone/dev.tfstate', use_lockfile: true })
  })

  it('should refuse incomplete or invalid inputs with a clear message', () => {
    expect(() => readInputs({ TF_STATE_BUCKET: 'b' })).toThrow(/TF_STATE_REGION/)
    expect(() => readInputs({ STACK_ENVIRONMENTS: 'staging' })).toThrow(/unknown environment "staging"/)
    expect(() => readInputs({ STACK_PREFIX: 'Bad Prefix' })).toThrow(/STACK_PREFIX/)
  })
})

describe('npm run synth', () => {
  it('should write cdktf.out offline with no terraform binary on PATH', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdktf-out-'))
    try {
      const started = performance.now()
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'cdktf/main.ts'], {
        env: { PATH: '/nonexistent', HOME: tmpdir(), CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
        encoding: 'utf8',
      })
      const ms = Math.round(performance.now() - started)
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['netflix-clone-dev', 'netflix-clone-dev-transcoder', 'netflix-clone-prod', 'netflix-clone-prod-transcoder'])
      console.info(`synth (fresh process): ${ms} ms`)
    } finally {
      rmSync(outdir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('the SES sender identity', () => {
  it('should have Easy DKIM, a custom MAIL FROM domain and their Route 53 records (DKIM CNAMEs, MX, SPF, DMARC)', () => {
    const identity = only(prod, 'aws_sesv2_email_identity')
    expect(identity.email_identity).toBe('${var.mail_domain}')
    expect(identity.dkim_signing_attributes).toMatchObject({ next_signing_key_length: 'RSA_2048_BIT' })
    // Addresses that bounced hard or complained get nothing more (audit 3, M3): the identity's mail goes through a set that suppresses them.
    const set = only(prod, 'aws_sesv2_configuration_set')
    expect(set.suppression_options).toEqual({ suppressed_reasons: ['BOUNCE', 'COMPLAINT'] })
    expect(identity.configuration_set_name).toBe(set.configuration_set_name)
    expect(only(prod, 'aws_sesv2_email_identity_mail_from_attributes').mail_from_domain).toBe('${var.mail_from_subdomain}.${var.mail_domain}')
    const records = prod.resource.aws_route53_record!
    const mail = Object.entries(records).filter(([id]) => id.startsWith('mail_'))
    expect(mail.filter(([, r]) => r.type === 'CNAME').map(([, r]) => String(r.records)).every((v) => v.endsWith('.dkim.amazonses.com'))).toBe(true)
    expect(mail.filter(([, r]) => r.type === 'CNAME')).toHaveLength(3)
    expect(records.mail_from_mx).toMatchObject({ type: 'MX', name: '${var.mail_from_subdomain}.${var.mail_domain}' })
    expect(asList(records.mail_from_spf!.records as string[])).toEqual(['v=spf1 include:amazonses.com ~all'])
    expect(String(asList(records.mail_dmarc!.records as string[])[0])).toMatch(/^v=DMARC1; p=/)
    expect(records.mail_dmarc!.name).toBe('_dmarc.${var.mail_domain}')
  })
})
