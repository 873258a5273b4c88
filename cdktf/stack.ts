import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf'
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region'
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table'
import { IamUser } from '@cdktf/provider-aws/lib/iam-user'
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy'
import { AwsProvider } from '@cdktf/provider-aws/lib/provider'
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic'
import { Construct } from 'constructs'
import { CONSUMED_QUEUES, NOTIFICATIONS_QUEUE, QUEUES, TABLES, queueKey, tableName, topicName, type TableDefinition } from '../infra/resources'
import { configureBackend } from './backend'
import { permissionsBoundary } from './boundary'
import { addAppHostnameRecords } from './dns'
import { addMailIdentity } from './email'
import { environmentPrefix, type EnvironmentName, type RemoteStateInputs } from './inputs'
import { addSubscribedQueue } from './queues'
import { workerPolicy } from './worker-policy'

export interface AppStackProps {
  prefix: string
  environment: EnvironmentName
  remoteState?: RemoteStateInputs
}

/** Construct id (and Terraform name) of a table: `table` for the main one, `table<suffix>` otherwise. */
export const tableResourceId = (table: TableDefinition) => `table${table.suffix.replace(/[^a-z0-9]/gi, '_')}`

/**
 * Everything on AWS for one environment: the table(s), the events topic, every queue of QUEUES
 * (notifications, transcode) with its dead-letter queue and filtered subscription, the app's DNS records and the worker's IAM user.
 * Names come from `<prefix>-<env>`; the region and account come from the credentials at deploy
 * time (AWS_REGION), never from this code.
 */
export class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id)
    const names = environmentPrefix(props.prefix, props.environment)
    const isProduction = props.environment === 'prod'

    new AwsProvider(this, 'aws', {
      defaultTags: [{ tags: { app: props.prefix, environment: props.environment, 'managed-by': 'cdktf' } }],
    })
    configureBackend(this, id, props.environment, props.remoteState)

    const deletionProtection = new TerraformVariable(this, 'deletion_protection', {
      type: 'bool',
      default: isProduction,
      description: 'DynamoDB deletion protection; destroy.yml sets it to false before destroying a protected table',
    })

    const tables = TABLES.map(
      (table) =>
        new DynamodbTable(this, tableResourceId(table), {
          name: tableName(names, table),
          billingMode: 'PAY_PER_REQUEST',
          hashKey: table.partitionKey,
          rangeKey: table.sortKey,
          attribute: table.attributes.map((attribute) => ({ name: attribute.name, type: attribute.type })),
          globalSecondaryIndex: table.globalIndexes.map((index) => ({
            name: index.name,
            hashKey: index.partitionKey,
            rangeKey: index.sortKey,
            projectionType: index.projection,
          })),
          ttl: { attributeName: table.ttlAttribute, enabled: true },
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true },
          deletionProtectionEnabled: deletionProtection.booleanValue,
        }),
    )
    const indexArns = tables.flatMap((resource, i) =>
      (TABLES[i]?.globalIndexes ?? []).map((index) => `${resource.arn}/index/${index.name}`),
    )

    const topic = new SnsTopic(this, 'events_topic', { name: topicName(names) })
    const queues = Object.fromEntries(QUEUES.map((definition) => [queueKey(definition), addSubscribedQueue(this, names, definition, topic)]))
    const notifications = queues[queueKey(NOTIFICATIONS_QUEUE)]!

    addAppHostnameRecords(this)
    const region = new DataAwsRegion(this, 'current')
    const mail = addMailIdentity(this, region)

    // The access key is created outside Terraform (deploy workflow or by hand) so no secret lands in state.
    const worker = new IamUser(this, 'worker_user', { name: `${names}-worker`, forceDestroy: true, permissionsBoundary: permissionsBoundary(this) })
    new IamUserPolicy(this, 'worker_policy', {
      name: `${names}-worker-access`,
      user: worker.name,
      policy: JSON.stringify(
        workerPolicy({
          tableArns: tables.map((table) => table.arn),
          indexArns,
          topicArn: topic.arn,
          queueArns: CONSUMED_QUEUES.map((definition) => queues[queueKey(definition)]!.queue.arn),
          mailIdentityArn: mail.identityArn,
        }),
      ),
    })

    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description })
    output('table_name', tables[0]?.name ?? '', 'DYNAMODB_TABLE for the worker')
    output('topic_arn', topic.arn, 'SNS_TOPIC_ARN for the worker')
    output('queue_url', notifications.queue.url, 'SQS_QUEUE_URL for the worker')
    output('dead_letter_queue_url', notifications.deadLetterQueue.url, 'Where messages go after maxReceiveCount failed receives')
    for (const definition of QUEUES.filter((candidate) => candidate !== NOTIFICATIONS_QUEUE)) {
      const key = queueKey(definition)
      output(`${key}_queue_url`, queues[key]!.queue.url, `The ${key} queue (${JSON.stringify(definition.filterPolicy ?? 'every event')})`)
      output(`${key}_dead_letter_queue_url`, queues[key]!.deadLetterQueue.url, `Where ${key} messages go after ${definition.maxReceiveCount} receives`)
    }
    output('region', region.region, 'AWS_REGION for the worker')
    output('worker_user_name', worker.name, 'IAM user whose access key becomes the worker secret')
  }
}
