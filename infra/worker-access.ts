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
