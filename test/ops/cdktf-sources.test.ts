import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TABLES } from '../../infra/resources'
import { WORKER_OPERATIONS, iamActionsFor } from '../../infra/worker-access'
import { bootstrapAws } from '../../scripts/lib/bootstrap-aws'
import { AwsError } from '../../src/aws/errors'
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

    const table = only((await synthStacks({ STACK_ENVIRONMENTS: 'prod' }))['netflix-clone-prod']!, 'aws_dynamodb_table')
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

  it('should define the same queue, dead-letter queue, topic and subscription', async () => {
    const calls = await recordLocalBootstrap('netflix-clone-prod')
    const stack = (await synthStacks({ STACK_ENVIRONMENTS: 'prod' }))['netflix-clone-prod']!
    const queues = stack.resource.aws_sqs_queue!
    const queue = queues.notifications_queue!
    const dlq = queues.notifications_dlq!
    const createdQueues = Object.fromEntries(
      calls.filter((c) => c.operation === 'CreateQueue').map((c) => [c.input.name, c.input.attributes as Record<string, string>]),
    )
    const local = createdQueues[String(queue.name)]!
    expect(Number(local.VisibilityTimeout)).toBe(queue.visibility_timeout_seconds)
    expect(Number(local.MessageRetentionPeriod)).toBe(queue.message_retention_seconds)
    expect(JSON.parse(local.RedrivePolicy!).maxReceiveCount).toBe(JSON.parse(String(queue.redrive_policy)).maxReceiveCount)
    expect(JSON.parse(local.RedrivePolicy!).deadLetterTargetArn).toBe(`arn:local:${String(dlq.name)}`)
    expect(Number(createdQueues[String(dlq.name)]!.MessageRetentionPeriod)).toBe(dlq.message_retention_seconds)

    expect(calls.find((c) => c.operation === 'CreateTopic')!.input.name).toBe(only(stack, 'aws_sns_topic').name)
    const subscribe = calls.find((c) => c.operation === 'Subscribe')!.input
    const subscription = only(stack, 'aws_sns_topic_subscription')
    expect(subscribe.protocol).toBe(subscription.protocol)
    expect(subscribe.endpoint).toBe(`arn:local:${String(queue.name)}`)
    // Envelope delivery in both places: the consumer parses the SNS envelope.
    const raw = (subscribe.attributes as Record<string, string>).RawMessageDelivery ?? 'false'
    expect(raw).toBe(String(subscription.raw_message_delivery))
  })
})

/**
 * Worker code = src/ outside the adapters and tests, and outside the transcoder: a process of its own with its own
 * role (its grants come with its stack, not the worker's).
 */
const NOT_WORKER = [join('src', 'aws'), join('src', 'transcoder')]
function workerSources(dir = 'src'): { file: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return NOT_WORKER.includes(path) ? [] : workerSources(path)
    if (!/\.tsx?$/.test(name) || /\.test\.tsx?$/.test(name)) return []
    return [{ file: relative('.', path), text: readFileSync(path, 'utf8') }]
  })
}

/** Each adapter method and the AWS operation it issues, read from src/aws/<service>.ts. */
function adapterMethods(service: 'dynamodb' | 'sns' | 'sqs' | 'ses'): Map<string, string> {
  const source = readFileSync(join('src', 'aws', `${service}.ts`), 'utf8')
  const methods = new Map<string, string>()
  for (const chunk of source.split(/\n {2}(?:async )?(?=\w+(?:<[^(]*>)?\()/).slice(1)) {
    const method = /^\w+/.exec(chunk)?.[0]
    const operation = /this\.call(?:<[^(]*>)?\(\s*'(\w+)'/.exec(chunk)?.[1]
    if (method && operation && method !== 'call') methods.set(method, operation)
  }
  return methods
}

/** How worker code reaches each client: `db.get(`, `this.db.query<T>(`, `options.sqs.receive(`, `options.topic().publish(`. */
const RECEIVERS = {
  dynamodb: '(?:db|dynamo\\w*)(?:\\(\\))?',
  sns: '(?:sns\\w*|topic)(?:\\(\\))?',
  sqs: '(?:sqs\\w*|queue)(?:\\(\\))?',
  ses: '(?:ses\\w*)(?:\\(\\))?',
} as const
const SERVICES = ['dynamodb', 'sns', 'sqs', 'ses'] as const

/** The adapter operations worker code calls, per service (queryAll goes through query). */
function calledOperations(sources: { text: string }[]): Record<(typeof SERVICES)[number], Set<string>> {
  const called = { dynamodb: new Set<string>(), sns: new Set<string>(), sqs: new Set<string>(), ses: new Set<string>() }
  for (const service of SERVICES) {
    const methods = adapterMethods(service)
    if (service === 'dynamodb') methods.set('queryAll', 'Query')
    for (const [method, operation] of methods) {
      const use = new RegExp(`\\b${RECEIVERS[service]}\\??\\.${method}(?:<[^(]*>)?\\(`)
      if (sources.some((s) => use.test(s.text))) called[service].add(operation)
    }
  }
  return called
}

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
