/**
 * Creates the table(s), topic, the queues + DLQs and the topic→queue subscriptions from the same
 * definitions the CDKTF stacks use (infra/resources.ts). Idempotent: safe on every start.
 */
import { NOTIFICATIONS_QUEUE, QUEUES, TABLES, tableName, topicName, TRANSCODE_QUEUE, type QueueDefinition, type TableDefinition } from '../../infra/resources'
import { DynamoDb } from '../../src/aws/dynamodb'
import { AwsError } from '../../src/aws/errors'
import { Sns } from '../../src/aws/sns'
import { Sqs } from '../../src/aws/sqs'

export interface AwsResources {
  table: string
  topicArn: string
  queueUrl: string
  dlqUrl: string
  /** The transcoder's queue (`video.uploaded` only). */
  transcodeQueueUrl: string
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

/** A queue with its dead-letter queue, subscribed to the topic with the definition's filter; returns both URLs. */
async function ensureQueue(clients: { sns: Sns; sqs: Sqs }, topicArn: string, prefix: string, def: QueueDefinition): Promise<{ url: string; dlqUrl: string }> {
  const { sns, sqs } = clients
  const dlqUrl = await sqs.createQueue(`${prefix}${def.deadLetterSuffix}`, { MessageRetentionPeriod: String(def.deadLetterRetentionSeconds) })
  const { QueueArn: dlqArn } = await sqs.getAttributes(dlqUrl, ['QueueArn'])
  const url = await sqs.createQueue(`${prefix}${def.suffix}`, {
    VisibilityTimeout: String(def.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(def.messageRetentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
  })
  const { QueueArn: queueArn } = await sqs.getAttributes(url, ['QueueArn'])
  if (!dlqArn || !queueArn) throw new Error('SQS GetQueueAttributes answered without a QueueArn')
  await sns.subscribe(topicArn, 'sqs', queueArn, def.filterPolicy ? { FilterPolicy: JSON.stringify(def.filterPolicy) } : {})
  return { url, dlqUrl }
}

export async function bootstrapAws(clients: { db: DynamoDb; sns: Sns; sqs: Sqs }, prefix: string): Promise<AwsResources> {
  const { db, sns } = clients
  await Promise.all(TABLES.map((def) => ensureTable(db, tableName(prefix, def), def)))
  const topicArn = await sns.createTopic(topicName(prefix))
  const created = await Promise.all(QUEUES.map(async (def) => [def, await ensureQueue(clients, topicArn, prefix, def)] as const))
  const urls = new Map(created)
  const notifications = urls.get(NOTIFICATIONS_QUEUE)!
  return { table: tableName(prefix, TABLES[0]!), topicArn, queueUrl: notifications.url, dlqUrl: notifications.dlqUrl, transcodeQueueUrl: urls.get(TRANSCODE_QUEUE)!.url }
}
