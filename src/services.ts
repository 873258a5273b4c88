import { Accounts } from './accounts/service'
import { DynamoDb } from './aws/dynamodb'
import { Sns } from './aws/sns'
import { Sqs } from './aws/sqs'
import { createCatalog } from './catalog'
import type { Catalog } from './catalog/types'
import type { Config, Env } from './config'
import { createPublisher, type Publish } from './events/publisher'
import { NotificationStore } from './notifications/store'
import { catalogMissGuard } from './catalog/miss-limit'

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
  /** The film catalog: TMDB behind the KV cache with a credential, else the bundled catalog. Built on first use. */
  readonly catalog: Catalog
  /** Publishes a domain event to SNS after the response (never fails or slows the request): src/events. */
  readonly publish: Publish
  /** A user's in-app notifications (src/notifications/store.ts). */
  readonly notifications: NotificationStore
}

export interface ServiceContext {
  config: Config
  env: Env
  executionCtx?: ExecutionContext
  /** The request's origin (`https://host`): absolute URLs of generated artwork. Absent in cron jobs. */
  origin?: string
  /** The client key for per-client limits (src/http/client-key.ts). Absent in cron jobs. */
  client?: string
}

export type ServicesFactory = (ctx: ServiceContext) => Services

export const createServices: ServicesFactory = ({ config, env, executionCtx, origin, client }) => {
  const defer = (work: Promise<unknown>) => {
    const guarded = work.catch((error: unknown) => console.error('deferred work failed', error))
    if (executionCtx) executionCtx.waitUntil(guarded)
  }
  let db: DynamoDb | undefined
  let sns: Sns | undefined
  let sqs: Sqs | undefined
  let accounts: Accounts | undefined
  let catalog: Catalog | undefined
  let notifications: NotificationStore | undefined
  const publish = createPublisher({ topicArn: config.SNS_TOPIC_ARN, topic: () => services.sns, defer })
  const services: Services = {
    defer,
    publish,
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
      return (accounts ??= new Accounts(this.db, config.DYNAMODB_TABLE, config, publish))
    },
    get catalog() {
      return (catalog ??= createCatalog(config, env, { defer, origin, beforeMiss: catalogMissGuard(config, () => services.db, client) }))
    },
    get notifications() {
      return (notifications ??= new NotificationStore(this.db, config.DYNAMODB_TABLE))
    },
  }
  return services
}
