/**
 * The AWS API operations the worker calls, as plain data: the one list the IAM policy
 * in cdktf/ is built from and that tests hold the policy and the adapters (src/aws) to.
 * Add an operation here when the worker starts calling it (test/ops/cdktf-sources.test.ts notices); the policy follows.
 */
export const WORKER_OPERATIONS = {
  // Items are written only inside transactions (PutItem is authorized through TransactWriteItems).
  dynamodb: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems'],
  sns: ['Publish'],
  // The cron consumer receives and deletes in batches; failed messages return after the visibility timeout.
  sqs: ['ReceiveMessage', 'DeleteMessageBatch'],
  // Emails (verification, password reset, security notices, digests); the policy limits it to the sender identity.
  ses: ['SendEmail'],
} as const

export type AwsService = keyof typeof WORKER_OPERATIONS

/**
 * The transcoder's own calls (src/transcoder/main.ts and what it imports): its video rows and outbox in the table,
 * the events it publishes, and its queue, whose messages it keeps hidden while a job runs and deletes once settled.
 */
export const TRANSCODER_OPERATIONS = {
  dynamodb: ['GetItem', 'UpdateItem', 'DeleteItem', 'Query', 'TransactWriteItems'],
  sns: ['Publish'],
  sqs: ['ReceiveMessage', 'ChangeMessageVisibility', 'DeleteMessage'],
} as const satisfies Partial<Record<AwsService, readonly string[]>>

/**
 * While a job runs on ECS the transcoder asks the ECS agent to protect its task from scale-in
 * (`PUT $ECS_AGENT_URI/task-protection/v1/state`); the agent calls this with the task role's credentials.
 */
export const TRANSCODER_ECS_ACTIONS = ['ecs:UpdateTaskProtection'] as const

/**
 * The media store's methods (src/media/store.ts) and the S3 IAM action that authorizes what each sends
 * (src/aws/s3.ts): HEAD is authorized as GetObject, a multipart upload's steps as PutObject, ListObjectsV2 as
 * ListBucket (on the bucket itself), DeleteObjects as DeleteObject.
 */
export const MEDIA_STORE_S3_ACTIONS = {
  head: 's3:GetObject',
  get: 's3:GetObject',
  put: 's3:PutObject',
  createUpload: 's3:PutObject',
  uploadPart: 's3:PutObject',
  completeUpload: 's3:PutObject',
  abortUpload: 's3:AbortMultipartUpload',
  list: 's3:ListBucket',
  delete: 's3:DeleteObject',
} as const
export type MediaStoreMethod = keyof typeof MEDIA_STORE_S3_ACTIONS

/** The Node app on S3: uploads (multipart, aborted on cancel), serving, subtitles and playlists, deleting a video's objects. */
export const NODE_APP_MEDIA_METHODS: readonly MediaStoreMethod[] = ['abortUpload', 'completeUpload', 'createUpload', 'delete', 'get', 'head', 'list', 'put', 'uploadPart']
/** The transcoder on S3: reads a source, writes renditions (an interrupted multipart upload is the bucket lifecycle's to abort). */
export const TRANSCODER_MEDIA_METHODS: readonly MediaStoreMethod[] = ['completeUpload', 'createUpload', 'get', 'put', 'uploadPart']

/** The S3 actions behind these media store methods, sorted, no duplicates. */
export const s3ActionsFor = (methods: readonly MediaStoreMethod[]): string[] => [...new Set(methods.map((method) => MEDIA_STORE_S3_ACTIONS[method]))].sort()

/**
 * Operations that IAM does not authorize under their own name.
 * - DynamoDB authorizes each action inside TransactWriteItems as its underlying item action
 *   (Put → PutItem, Update → UpdateItem, Delete → DeleteItem, ConditionCheck → ConditionCheckItem);
 *   "dynamodb:TransactWriteItems" is not an IAM action.
 * - SQS batch actions are authorized by their single-message action (DeleteMessageBatch → DeleteMessage).
 */
const AUTHORIZED_AS: Record<string, readonly string[]> = {
  'dynamodb:TransactWriteItems': ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
  'dynamodb:TransactGetItems': ['GetItem'],
  'sqs:DeleteMessageBatch': ['DeleteMessage'],
  'sqs:SendMessageBatch': ['SendMessage'],
  'sqs:ChangeMessageVisibilityBatch': ['ChangeMessageVisibility'],
}

/** The IAM actions (`service:Action`) that authorize the given operations of one service, sorted, no duplicates. */
export function iamActionsFor(service: AwsService, operations: readonly string[] = WORKER_OPERATIONS[service]): string[] {
  const actions = new Set<string>()
  for (const operation of operations) {
    for (const action of AUTHORIZED_AS[`${service}:${operation}`] ?? [operation]) actions.add(`${service}:${action}`)
  }
  return [...actions].sort()
}
