import { NODE_APP_MEDIA_METHODS, TRANSCODER_ECS_ACTIONS, TRANSCODER_OPERATIONS, iamActionsFor, s3ActionsFor, type MediaStoreMethod } from '../infra/worker-access'
import type { PolicyDocument, PolicyStatement } from './worker-policy'

/**
 * The media bucket's grants for a process that calls these media store methods: object actions on the bucket's
 * objects, ListBucket (when it lists) on the bucket itself, nothing else.
 */
export function mediaBucketStatements(bucketArn: string, methods: readonly MediaStoreMethod[] = NODE_APP_MEDIA_METHODS): PolicyStatement[] {
  const actions = s3ActionsFor(methods)
  const objectActions = actions.filter((action) => action !== 's3:ListBucket')
  const statements: PolicyStatement[] = [{ Sid: 'MediaObjects', Effect: 'Allow', Action: objectActions, Resource: [`${bucketArn}/*`] }]
  if (actions.includes('s3:ListBucket')) statements.push({ Sid: 'ListMedia', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucketArn] })
  return statements
}

export interface TranscoderResources {
  tableArn: string
  topicArn: string
  /** The transcode queue (infra/resources.ts TRANSCODE_QUEUE). */
  queueArn: string
  /** `arn:…:ecs:<region>:<account>:task/<cluster>/*`: the tasks whose scale-in protection it may set (its own); absent off ECS. */
  taskArns?: string
  /** The S3 media bucket when the transcoder reads and writes it itself (the Node runtime); absent on Workers (R2 through the app). */
  bucketArn?: string
}

/**
 * The transcoder's task role: exactly the actions behind TRANSCODER_OPERATIONS (its video rows and outbox,
 * the events it publishes, its own queue), scale-in protection of its own tasks, and on S3 the media methods it
 * calls. Not the worker's policy: it reads no notifications queue and sends no email.
 */
export function transcoderPolicy(resources: TranscoderResources, mediaMethods: readonly MediaStoreMethod[]): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: 'VideoItems', Effect: 'Allow', Action: iamActionsFor('dynamodb', TRANSCODER_OPERATIONS.dynamodb), Resource: [resources.tableArn] },
    { Sid: 'PublishEvents', Effect: 'Allow', Action: iamActionsFor('sns', TRANSCODER_OPERATIONS.sns), Resource: [resources.topicArn] },
    { Sid: 'ConsumeJobs', Effect: 'Allow', Action: iamActionsFor('sqs', TRANSCODER_OPERATIONS.sqs), Resource: [resources.queueArn] },
  ]
  if (resources.taskArns) statements.push({ Sid: 'ProtectRunningJob', Effect: 'Allow', Action: [...TRANSCODER_ECS_ACTIONS], Resource: [resources.taskArns] })
  if (resources.bucketArn) statements.push(...mediaBucketStatements(resources.bucketArn, mediaMethods))
  return { Version: '2012-10-17', Statement: statements }
}
