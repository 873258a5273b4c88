import { describe, expect, it } from 'vitest'
import { QUEUES, TABLES, queueKey } from '../../infra/resources'
import { NODE_APP_MEDIA_METHODS, TRANSCODER_MEDIA_METHODS, TRANSCODER_OPERATIONS, WORKER_OPERATIONS, iamActionsFor } from '../../infra/worker-access'
import { bootstrapAws } from '../../scripts/lib/bootstrap-aws'
import { AwsError } from '../../src/aws/errors'
import { SERVICES, adapterMethods, calledMediaMethods, calledOperations, reachableSources, workerSources } from './support/sources'
import { only, synthStacks } from './support/synth'

/**
 * One source of truth: the CDKTF stacks and the local bootstrap (`npm start`, test setups) both read
 * infra/resources.ts. These tests record what the local bootstrap asks DynamoDB Local / fauxqs to
 * create and hold it against the synthesized Terraform, so the two cannot drift apart.
 */
interface Call {
  service: string
  operation: string
  input: Record<string, unknown>
}

async function recordLocalBootstrap(prefix: string): Promise<Call[]> {
  const calls: Call[] = []
  const record = (service: string, operation: string, input: Record<string, unknown>) => {
    calls.push({ service, operation, input })
  }
  const db = {
    async call(operation: string, input: Record<string, unknown>) {
      record('dynamodb', operation, input)
      if (operation === 'DescribeTable') throw new AwsError('ResourceNotFoundException', 400, 'not yet')
      return {}
    },
  }
  const sqs = {
    async createQueue(name: string, attributes: Record<string, string>) {
      record('sqs', 'CreateQueue', { name, attributes })
      return `local://${name}`
    },
    async getAttributes(url: string) {
      return { QueueArn: `arn:local:${url.slice('local://'.length)}` }
    },
  }
  const sns = {
    async createTopic(name: string) {
      record('sns', 'CreateTopic', { name })
      return `arn:local:${name}`
    },
    async subscribe(topicArn: string, protocol: string, endpoint: string, attributes: Record<string, string> = {}) {
      record('sns', 'Subscribe', { topicArn, protocol, endpoint, attributes })
      return 'arn:local:subscription'
    },
  }
  // Only the methods the bootstrap uses are recorded; the types are the real clients'.
  await bootstrapAws({ db, sqs, sns } as unknown as Parameters<typeof bootstrapAws>[0], prefix)
  return calls
}

const keySchema = (partitionKey: unknown, sortKey: unknown) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  { AttributeName: sortKey, KeyType: 'RANGE' },
]

describe('CDKTF and the local bootstrap agree (both read infra/resources.ts)', () => {
  it('should define the same tables: key schema, attributes, indexes and TTL attribute', async () => {
    const calls = await recordLocalBootstrap('netflix-clone-prod')
    const created = calls.filter((c) => c.operation === 'CreateTable').map((c) => c.input)
    const ttl = calls.filter((c) => c.operation === 'UpdateTimeToLive').map((c) => c.input)
    expect(created).toHaveLength(TABLES.length)

    const table = only((await synthStacks())['netflix-clone-prod']!, 'aws_dynamodb_table')
    const fromTerraform = {
      TableName: table.name,
      BillingMode: table.billing_mode,
      AttributeDefinitions: (table.attribute as { name: string; type: string }[]).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
      KeySchema: keySchema(table.hash_key, table.range_key),
      GlobalSecondaryIndexes: (table.global_secondary_index as Record<string, string>[]).map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.hash_key, index.range_key),
        Projection: { ProjectionType: index.projection_type },
      })),
    }
    expect(created[0]).toEqual(fromTerraform)
    expect(ttl[0]).toEqual({
      TableName: table.name,
      TimeToLiveSpecification: { AttributeName: (table.ttl as { attribute_name: string }).attribute_name, Enabled: true },
    })
  })

  it('should define the same queues, dead-letter queues, topic and filtered subscriptions', async () => {
    const calls = await recordLocalBootstrap('netflix-clone-prod')
    const stack = (await synthStacks())['netflix-clone-prod']!
    const createdQueues = Object.fromEntries(
      calls.filter((c) => c.operation === 'CreateQueue').map((c) => [c.input.name, c.input.attributes as Record<string, string>]),
    )
    const subscribes = calls.filter((c) => c.operation === 'Subscribe').map((c) => c.input)
    expect(subscribes).toHaveLength(QUEUES.length)
    expect(calls.find((c) => c.operation === 'CreateTopic')!.input.name).toBe(only(stack, 'aws_sns_topic').name)
    for (const definition of QUEUES) {
      const key = queueKey(definition)
      const queue = stack.resource.aws_sqs_queue![`${key}_queue`]!
      const dlq = stack.resource.aws_sqs_queue![`${key}_dlq`]!
      const local = createdQueues[String(queue.name)]!
      expect(Number(local.VisibilityTimeout), key).toBe(queue.visibility_timeout_seconds)
      expect(Number(local.MessageRetentionPeriod), key).toBe(queue.message_retention_seconds)
      expect(JSON.parse(local.RedrivePolicy!).maxReceiveCount, key).toBe(JSON.parse(String(queue.redrive_policy)).maxReceiveCount)
      expect(JSON.parse(local.RedrivePolicy!).deadLetterTargetArn, key).toBe(`arn:local:${String(dlq.name)}`)
      expect(Number(createdQueues[String(dlq.name)]!.MessageRetentionPeriod), key).toBe(dlq.message_retention_seconds)

      const subscription = stack.resource.aws_sns_topic_subscription![`${key}_subscription`]!
      const subscribe = subscribes.find((input) => input.endpoint === `arn:local:${String(queue.name)}`)!
      expect(subscribe.protocol, key).toBe(subscription.protocol)
      const attributes = subscribe.attributes as Record<string, string>
      expect(JSON.parse(attributes.FilterPolicy!), key).toEqual(JSON.parse(String(subscription.filter_policy)))
      // Envelope delivery in both places: the consumers parse the SNS envelope.
      expect(attributes.RawMessageDelivery ?? 'false', key).toBe(String(subscription.raw_message_delivery))
    }
  })
})

describe('WORKER_OPERATIONS matches what the worker calls', () => {
  const sources = workerSources()
  const called = calledOperations(sources)

  it('should list only operations the adapters can issue', () => {
    for (const service of SERVICES) {
      const issued = new Set(adapterMethods(service).values())
      for (const operation of WORKER_OPERATIONS[service]) expect(issued, `${service}:${operation}`).toContain(operation)
    }
  })

  it('should authorize every adapter operation the worker code calls', () => {
    for (const service of SERVICES) {
      const granted = iamActionsFor(service)
      for (const operation of called[service]) {
        const missing = iamActionsFor(service, [operation]).filter((action) => !granted.includes(action))
        expect(missing, `worker calls ${service}:${operation}; add it to WORKER_OPERATIONS (infra/worker-access.ts)`).toEqual([])
      }
    }
  })

  it('should list no operation the worker code never calls', () => {
    for (const service of SERVICES) {
      expect([...called[service]].sort(), `${service}: WORKER_OPERATIONS vs calls in src/`).toEqual([...WORKER_OPERATIONS[service]].sort())
    }
  })

  it('should call no operation by name outside WORKER_OPERATIONS', () => {
    const allowed = new Set<string>(Object.values(WORKER_OPERATIONS).flat())
    for (const { file, text } of sources) {
      for (const match of text.matchAll(/\.call(?:<[^(]*>)?\(\s*'(\w+)'/g)) {
        expect(allowed, `${file} calls ${match[1]}`).toContain(match[1])
      }
    }
  })
})

describe('the transcoder\'s and the media store\'s grants match what the code calls', () => {
  const transcoder = reachableSources('src/main/node/transcoder.ts')

  it('should find the transcoder\'s code from its entry point (its job, its queue loop, its video rows)', () => {
    const files = transcoder.map((source) => source.file)
    for (const file of ['src/transcoder/job.ts', 'src/transcoder/worker.ts', 'src/videos/transcode-jobs.ts', 'src/events/outbox.ts']) expect(files).toContain(file)
    // Not the app: no routes, no sessions.
    expect(files.some((file) => file.startsWith('src/http/') || file.startsWith('src/accounts/'))).toBe(false)
  })

  it('should list in TRANSCODER_OPERATIONS exactly the operations the transcoder calls', () => {
    const called = calledOperations(transcoder)
    for (const service of SERVICES) {
      const listed = (TRANSCODER_OPERATIONS as Partial<Record<string, readonly string[]>>)[service] ?? []
      expect([...called[service]].sort(), `transcoder ${service}`).toEqual([...listed].sort())
    }
  })

  it('should list exactly the media store methods each process calls (the S3 grants follow)', () => {
    expect(calledMediaMethods(transcoder)).toEqual([...TRANSCODER_MEDIA_METHODS].sort())
    expect(calledMediaMethods(workerSources())).toEqual([...NODE_APP_MEDIA_METHODS].sort())
  })
})
