/**
 * Creates the table(s), topic, queue + DLQ and the topic→queue subscription from the same
 * definitions the CDKTF stacks use (infra/resources.ts). Idempotent: safe on every start.
 */
import {
  deadLetterQueueName,
  NOTIFICATIONS_QUEUE,
  queueName,
  TABLES,
  tableName,
  topicName,
  type TableDefinition,
} from '../../infra/resources'
import { DynamoDb } from '../../src/aws/dynamodb'
import { AwsError } from '../../src/aws/errors'
import { Sns } from '../../src/aws/sns'
import { Sqs } from '../../src/aws/sqs'

export interface AwsResources {
  table: string
  topicArn: string
  queueUrl: string
  dlqUrl: string
}

/** The index's CreateTable / UpdateTable shape. */
function indexSpec(index: TableDefinition['globalIndexes'][number]) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: index.projection },
  }
}

/** A table kept from before an index was added (a persistent local DynamoDB) gets it, one index per UpdateTable. */
async function addMissingIndexes(db: DynamoDb, name: string, def: TableDefinition, existing: { IndexName?: string }[]): Promise<void> {
  const have = new Set(existing.map((index) => index.IndexName))
  for (const index of def.globalIndexes.filter((candidate) => !have.has(candidate.name))) {
    await db.call('UpdateTable', {
      TableName: name,
      AttributeDefinitions: def.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
      GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
    })
  }
}

export async function ensureTable(db: DynamoDb, name: string, def: TableDefinition): Promise<void> {
  try {
    const described = await db.call<{ Table?: { GlobalSecondaryIndexes?: { IndexName?: string }[] } }>('DescribeTable', { TableName: name })
    await addMissingIndexes(db, name, def, described.Table?.GlobalSecondaryIndexes ?? [])
  } catch (error) {
    if (!(error instanceof AwsError && error.type === 'ResourceNotFoundException')) throw error
    await db.call('CreateTable', {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: def.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
      KeySchema: [
        { AttributeName: def.partitionKey, KeyType: 'HASH' },
        { AttributeName: def.sortKey, KeyType: 'RANGE' },
      ],
      ...(def.globalIndexes.length > 0
        ? {
            GlobalSecondaryIndexes: def.globalIndexes.map(indexSpec),
          }
        : {}),
    }).catch((createError: unknown) => {
      // Another process created it between our describe and create.
      if (!(createError instanceof AwsError && createError.type === 'ResourceInUseException')) throw createError
    })
  }
  const ttl = await db.call<{ TimeToLiveDescription?: { TimeToLiveStatus?: string } }>('DescribeTimeToLive', { TableName: name })
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await db.call('UpdateTimeToLive', {
      TableName: name,
      TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
    })
  }
}

export async function bootstrapAws(clients: { db: DynamoDb; sns: Sns; sqs: Sqs }, prefix: string): Promise<AwsResources> {
  const { db, sns, sqs } = clients
  await Promise.all(TABLES.map((def) => ensureTable(db, tableName(prefix, def), def)))

  const dlqUrl = await sqs.createQueue(deadLetterQueueName(prefix), {
    MessageRetentionPeriod: String(NOTIFICATIONS_QUEUE.deadLetterRetentionSeconds),
  })
  const { QueueArn: dlqArn } = await sqs.getAttributes(dlqUrl, ['QueueArn'])
  const queueUrl = await sqs.createQueue(queueName(prefix), {
    VisibilityTimeout: String(NOTIFICATIONS_QUEUE.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(NOTIFICATIONS_QUEUE.messageRetentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: NOTIFICATIONS_QUEUE.maxReceiveCount }),
  })
  const { QueueArn: queueArn } = await sqs.getAttributes(queueUrl, ['QueueArn'])
  if (!dlqArn || !queueArn) throw new Error('SQS GetQueueAttributes answered without a QueueArn')

  const topicArn = await sns.createTopic(topicName(prefix))
  const filter: Record<string, string> = NOTIFICATIONS_QUEUE.filterPolicy ? { FilterPolicy: JSON.stringify(NOTIFICATIONS_QUEUE.filterPolicy) } : {}
  await sns.subscribe(topicArn, 'sqs', queueArn, filter)
  return { table: tableName(prefix, TABLES[0]!), topicArn, queueUrl, dlqUrl }
}
