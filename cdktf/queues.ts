import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic'
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription'
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue'
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy'
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy'
import { Construct } from 'constructs'
import { deadLetterQueueName, queueKey, queueName, type QueueDefinition } from '../infra/resources'
import { topicToQueuePolicy } from './worker-policy'

export interface SubscribedQueue {
  queue: SqsQueue
  deadLetterQueue: SqsQueue
}

/**
 * One queue of infra/resources.ts QUEUES: its dead-letter queue (after `maxReceiveCount` receives, redrive allowed
 * from this queue only), a policy letting only the topic deliver, and the topic's subscription with the queue's
 * filter. Resource ids start with the queue's key (`notifications_queue`, `transcode_dlq`, …), so the ids the
 * notifications queue had before the list existed stay the same and a deploy changes nothing of it.
 */
export function addSubscribedQueue(scope: Construct, names: string, definition: QueueDefinition, topic: SnsTopic): SubscribedQueue {
  const key = queueKey(definition)
  const deadLetterQueue = new SqsQueue(scope, `${key}_dlq`, {
    name: deadLetterQueueName(names, definition),
    messageRetentionSeconds: definition.deadLetterRetentionSeconds,
    sqsManagedSseEnabled: true,
  })
  const queue = new SqsQueue(scope, `${key}_queue`, {
    name: queueName(names, definition),
    visibilityTimeoutSeconds: definition.visibilityTimeoutSeconds,
    messageRetentionSeconds: definition.messageRetentionSeconds,
    sqsManagedSseEnabled: true,
    redrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: definition.maxReceiveCount }),
  })
  new SqsQueueRedriveAllowPolicy(scope, `${key}_dlq_redrive_allow`, {
    queueUrl: deadLetterQueue.url,
    redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }),
  })
  const queuePolicy = new SqsQueuePolicy(scope, `${key}_queue_policy`, {
    queueUrl: queue.url,
    policy: JSON.stringify(topicToQueuePolicy(queue.arn, topic.arn)),
  })
  new SnsTopicSubscription(scope, `${key}_subscription`, {
    topicArn: topic.arn,
    protocol: 'sqs',
    endpoint: queue.arn,
    // Consumers read the SNS envelope, as fauxqs delivers it locally.
    rawMessageDelivery: false,
    ...(definition.filterPolicy ? { filterPolicy: JSON.stringify(definition.filterPolicy) } : {}),
    dependsOn: [queuePolicy],
  })
  return { queue, deadLetterQueue }
}
