import { Accounts } from './accounts/service'
import { DynamoDb } from './aws/dynamodb'
import { Sns } from './aws/sns'
import { Sqs } from './aws/sqs'
import type { Config, Env } from './config'

/**
 * The services routes call. Built once per request from the config and
 * bindings, so tests can swap any of them by passing a different factory to createApp.
 */
export interface Services {
  /** Runs work after the response is sent (ExecutionContext.waitUntil), or inline when there is none. */
  defer(work: Promise<unknown>): void
  /** DynamoDB (table name: config.DYNAMODB_TABLE), SNS and SQS clients; built on first use. */
  readonly db: DynamoDb
  readonly sns: Sns
  readonly sqs: Sqs
  /** Sign-up, login, sessions, profile, export and deletion (src/accounts). */
  readonly accounts: Accounts
}

export interface ServiceContext {
  config: Config
  env: Env
  executionCtx?: ExecutionContext
}

export type ServicesFactory = (ctx: ServiceContext) => Services

export const createServices: ServicesFactory = ({ config, executionCtx }) => {
  const defer = (work: Promise<unknown>) => {
    const guarded = work.catch((error: unknown) => console.error('deferred work failed', error))
    if (executionCtx) executionCtx.waitUntil(guarded)
  }
  let db: DynamoDb | undefined
  let sns: Sns | undefined
  let sqs: Sqs | undefined
  let accounts: Accounts | undefined
  return {
    defer,
    get db() {
      return (db ??= DynamoDb.fromConfig(config))
    },
    get sns() {
      return (sns ??= Sns.fromConfig(config))
    },
    get sqs() {
      return (sqs ??= Sqs.fromConfig(config))
    },
    get accounts() {
      return (accounts ??= new Accounts(this.db, config.DYNAMODB_TABLE, config))
    },
  }
}
