import { env } from '@test/runtime'
import { DynamoDb } from '../../../src/aws/dynamodb'
import { Sns } from '../../../src/aws/sns'
import { Sqs } from '../../../src/aws/sqs'
import { parseConfig } from '../../../src/config'

/** Clients for the local AWS servers the app tests' global setup started (same bindings the app sees). */
export function testAws() {
  const config = parseConfig(env)
  return {
    config,
    table: config.DYNAMODB_TABLE,
    db: DynamoDb.fromConfig(config),
    sns: Sns.fromConfig(config),
    sqs: Sqs.fromConfig(config),
  }
}

/** A key prefix no other test uses (tests share one table and one queue). */
export const uniqueId = (label = 'test') => `${label}-${crypto.randomUUID()}`
