import { TerraformStack } from 'cdktf'
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity'
import { DataAwsDynamodbTable } from '@cdktf/provider-aws/lib/data-aws-dynamodb-table'
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition'
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region'
import { DataAwsSnsTopic } from '@cdktf/provider-aws/lib/data-aws-sns-topic'
import { DataAwsSqsQueue } from '@cdktf/provider-aws/lib/data-aws-sqs-queue'
import { AwsProvider } from '@cdktf/provider-aws/lib/provider'
import { MAIN_TABLE, queueKey, queueName, tableName, topicName, type QueueDefinition } from '../infra/resources'
import { configureBackend } from './backend'
import { environmentPrefix, type EnvironmentName, type RemoteStateInputs } from './inputs'

export interface BesideAppStackProps {
  prefix: string
  environment: EnvironmentName
  remoteState?: RemoteStateInputs
}

/**
 * What a stack beside an environment's app stack (the ECS stack, the transcoder stack) starts with: the provider
 * with its tags, its own state (`<env>-<kind>`), ARNs in the deploying account and region, and the app stack's
 * table, topic and queues found by their names (infra/resources.ts), not by cross-stack state: deploy that one first.
 */
export function besideAppStack(stack: TerraformStack, id: string, props: BesideAppStackProps, kind: string) {
  const names = environmentPrefix(props.prefix, props.environment)
  new AwsProvider(stack, 'aws', {
    defaultTags: [{ tags: { app: props.prefix, environment: props.environment, 'managed-by': 'cdktf', stack: kind } }],
  })
  configureBackend(stack, id, `${props.environment}-${kind}`, props.remoteState)
  const region = new DataAwsRegion(stack, 'current')
  const partition = new DataAwsPartition(stack, 'partition')
  const account = new DataAwsCallerIdentity(stack, 'caller')
  return {
    names,
    region: region.region,
    /** The deploying account's id (trust policies' aws:SourceAccount). */
    accountId: account.accountId,
    arn: (service: string, resource: string) => `arn:${partition.partition}:${service}:${region.region}:${account.accountId}:${resource}`,
    table: new DataAwsDynamodbTable(stack, 'table', { name: tableName(names, MAIN_TABLE) }),
    topic: new DataAwsSnsTopic(stack, 'events_topic', { name: topicName(names) }),
    queue: (definition: QueueDefinition) => new DataAwsSqsQueue(stack, `${queueKey(definition)}_queue`, { name: queueName(names, definition) }),
  }
}
