import { iamActionsFor } from '../infra/worker-access'

/** The ARNs the worker touches; everything else is denied by omission. */
export interface WorkerResources {
  tableArns: string[]
  indexArns: string[]
  topicArn: string
  /** The queues the consumer drains (infra/resources.ts CONSUMED_QUEUES). */
  queueArns: string[]
  /** The SES sender identity (domain) the worker may send as. */
  mailIdentityArn: string
}

export interface PolicyStatement {
  Sid: string
  Effect: 'Allow'
  Action: string[]
  Resource: string[]
  Principal?: Record<string, string>
  Condition?: Record<string, Record<string, string>>
}

export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: PolicyStatement[]
}

/**
 * Least privilege for the worker: exactly the IAM actions behind WORKER_OPERATIONS, on exactly
 * the table(s), their indexes, the topic and the queue. Queries may also target an index;
 * item actions never need one.
 */
export function workerPolicy(resources: WorkerResources): PolicyDocument {
  const dynamodb = iamActionsFor('dynamodb')
  const statements: PolicyStatement[] = [
    { Sid: 'TableItems', Effect: 'Allow', Action: dynamodb, Resource: resources.tableArns },
  ]
  if (dynamodb.includes('dynamodb:Query') && resources.indexArns.length > 0) {
    statements.push({ Sid: 'IndexQueries', Effect: 'Allow', Action: ['dynamodb:Query'], Resource: resources.indexArns })
  }
  statements.push(
    { Sid: 'PublishEvents', Effect: 'Allow', Action: iamActionsFor('sns'), Resource: [resources.topicArn] },
    { Sid: 'ConsumeNotifications', Effect: 'Allow', Action: iamActionsFor('sqs'), Resource: resources.queueArns },
    { Sid: 'SendEmail', Effect: 'Allow', Action: iamActionsFor('ses'), Resource: [resources.mailIdentityArn] },
  )
  return { Version: '2012-10-17', Statement: statements }
}

/** Only the given SNS topic may send to the queue (the subscription's delivery). */
export function topicToQueuePolicy(queueArn: string, topicArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TopicDelivers',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: ['sqs:SendMessage'],
        Resource: [queueArn],
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  }
}
