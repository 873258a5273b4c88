/**
 * The AWS resources the worker uses, as plain data. Read by the CDKTF stacks
 * (cdktf/) and by the local bootstrap (`npm start`, test setup), so production
 * and local servers have the same keys, indexes, TTL and queue wiring.
 */

export interface AttributeDefinition {
  name: string
  type: 'S' | 'N' | 'B'
}

export interface GlobalIndexDefinition {
  name: string
  partitionKey: string
  sortKey: string
  projection: 'ALL' | 'KEYS_ONLY'
}

export interface TableDefinition {
  /** Suffix after the table prefix; '' for the main table. */
  suffix: string
  partitionKey: string
  sortKey: string
  attributes: AttributeDefinition[]
  globalIndexes: GlobalIndexDefinition[]
  ttlAttribute: string
}

export interface QueueDefinition {
  suffix: string
  visibilityTimeoutSeconds: number
  messageRetentionSeconds: number
  /** Receives after which a message moves to the dead-letter queue. */
  maxReceiveCount: number
  deadLetterSuffix: string
  deadLetterRetentionSeconds: number
  /** The SNS subscription's filter on the `type` message attribute (absent: every event). */
  filterPolicy?: Record<string, unknown>
}

export interface TopicDefinition {
  suffix: string
}

/**
 * Single-table design. Items (pk / sk):
 *   USER#<id> / PROFILE               a user; EMAIL#<email> / EMAIL  the uniqueness marker
 *   USER#<id> / WATCH#<movieId>       a watchlist entry with a Movie snapshot (gsi1: WATCHERS#<movieId> / USER#<id>)
 *   USER#<id> / WATCHCOUNT            how many films the list holds (the 1,000 cap, kept in the add/remove transaction)
 *   MOVIE#<id> / REVIEW#<userId>      a review (gsi1: USER#<id> / REVIEW#<movieId>; gsi2: REVIEWS#<movieId> / <created_at>#<userId>,
 *                                     the film's reviews in time order); MOVIE#<id> / AGG its aggregate
 *   USER#<id> / NOTIF#<ts>#<id>       a notification (expires_at TTL)
 *   GENRE#<id> / USER#<id>            who follows a genre through their list
 *   EVENT#<id>#<handler> / EVENT      one handler's processed-event marker for at-least-once delivery (expires_at TTL)
 *   RATE#<key> / WINDOW#<start>       sliding-window rate-limit counters, <key> an HMAC of limit and subject (expires_at TTL)
 *   OUTBOX#<0-3> / <ts>#<eventId>     an event not yet published (written with its change; the drain cron queries the 4 shards)
 *   OUTBOX#dead / <ts>#<eventId>      an outbox item that kept failing, with its event (expires_at TTL, 30 days)
 *   CACHE#<key> / CACHE               Node runtime only: a shared TMDB cache entry (gzip body, expires_at TTL; see NODE_CACHE_ITEMS)
 *   LEASE#<cron> / LEASE              Node runtime only: who runs a cron job now, and its last occurrence (see NODE_LEASE_ITEMS)
 */
export const MAIN_TABLE: TableDefinition = {
  suffix: '',
  partitionKey: 'pk',
  sortKey: 'sk',
  attributes: [
    { name: 'pk', type: 'S' },
    { name: 'sk', type: 'S' },
    { name: 'gsi1pk', type: 'S' },
    { name: 'gsi1sk', type: 'S' },
    { name: 'gsi2pk', type: 'S' },
    { name: 'gsi2sk', type: 'S' },
  ],
  globalIndexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    // Time-ordered lists (a film's reviews): one page of the list is one Query page.
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
  ],
  ttlAttribute: 'expires_at',
}

export const TABLES: TableDefinition[] = [MAIN_TABLE]

/**
 * The Node runtime's items in the main table (Workers keeps these in KV and in Cloudflare's cron
 * instead). Same table, same TTL attribute: no extra resource to provision, and the worker's IAM
 * policy (infra/worker-access.ts) already covers the operations (GetItem, PutItem, UpdateItem).
 */
export const NODE_CACHE_ITEMS = { prefix: 'CACHE#', sortKey: 'CACHE', ttlAttribute: MAIN_TABLE.ttlAttribute } as const
export const NODE_LEASE_ITEMS = { prefix: 'LEASE#', sortKey: 'LEASE', ttlAttribute: MAIN_TABLE.ttlAttribute } as const

export const EVENTS_TOPIC: TopicDefinition = { suffix: '-events' }

/** The events behind `security` notices (password or email changed): they travel on their own queue, drained first. */
export const SECURITY_EVENT_TYPES = ['user.password_changed', 'user.email_changed'] as const

/** The web app's consumer queues: a handled message is gone within seconds, a failing one is tried 5 times, then kept. */
const consumerQueue = (name: string) => ({
  suffix: `-${name}`,
  visibilityTimeoutSeconds: 60,
  messageRetentionSeconds: 4 * 24 * 3600,
  maxReceiveCount: 5,
  deadLetterSuffix: `-${name}-dlq`,
  deadLetterRetentionSeconds: 14 * 24 * 3600,
})

export const NOTIFICATIONS_QUEUE: QueueDefinition = {
  ...consumerQueue('notifications'),
  // Uploads are the transcoder's (its own queue), security events the security queue's; every other event,
  // `video.ready` included, is the consumer's.
  filterPolicy: { type: [{ 'anything-but': ['video.uploaded', ...SECURITY_EVENT_TYPES] }] },
}

/**
 * Security events only (audit 3, M4): however long the notifications queue grows (anyone can make events), "your
 * password was changed" is drained first, by the same consumer and handlers. Its URL is the notifications queue's
 * with this suffix (src/config.ts `securityQueueUrl`), so a deployment sets no extra variable.
 */
export const SECURITY_QUEUE: QueueDefinition = {
  ...consumerQueue('security'),
  filterPolicy: { type: [...SECURITY_EVENT_TYPES] },
}

/**
 * The transcoder's jobs: `video.uploaded` only. A job runs for minutes to hours, so a received message stays hidden
 * 15 minutes and the transcoder renews that while it works; the third delivery is the last (a file that crashes the
 * transcoder fails instead of looping), then the dead-letter queue keeps the message.
 */
export const TRANSCODE_QUEUE: QueueDefinition = {
  suffix: '-transcode',
  visibilityTimeoutSeconds: 15 * 60,
  messageRetentionSeconds: 4 * 24 * 3600,
  maxReceiveCount: 3,
  deadLetterSuffix: '-transcode-dlq',
  deadLetterRetentionSeconds: 14 * 24 * 3600,
  filterPolicy: { type: ['video.uploaded'] },
}

/**
 * Every queue, each subscribed to the events topic with its own filter: the one list the CDKTF app stack
 * (cdktf/stack.ts), the local bootstrap (scripts/lib/bootstrap-aws.ts) and the IAM tests read.
 */
export const QUEUES: readonly QueueDefinition[] = [NOTIFICATIONS_QUEUE, SECURITY_QUEUE, TRANSCODE_QUEUE]

/** The queues the web app's consumer drains, in the order it drains them; its IAM grants cover exactly these. */
export const CONSUMED_QUEUES: readonly QueueDefinition[] = [SECURITY_QUEUE, NOTIFICATIONS_QUEUE]

/** The security queue's URL beside a notifications queue URL (the same account and prefix), or undefined for another name. */
export function securityQueueUrlBeside(notificationsUrl: string | undefined): string | undefined {
  if (!notificationsUrl?.endsWith(NOTIFICATIONS_QUEUE.suffix)) return undefined
  return notificationsUrl.slice(0, -NOTIFICATIONS_QUEUE.suffix.length) + SECURITY_QUEUE.suffix
}

export const DEFAULT_PREFIX = 'netflix-clone'

export const tableName = (prefix: string, table: TableDefinition) => `${prefix}${table.suffix}`
export const topicName = (prefix: string) => `${prefix}${EVENTS_TOPIC.suffix}`
export const queueName = (prefix: string, queue: QueueDefinition = NOTIFICATIONS_QUEUE) => `${prefix}${queue.suffix}`
export const deadLetterQueueName = (prefix: string, queue: QueueDefinition = NOTIFICATIONS_QUEUE) => `${prefix}${queue.deadLetterSuffix}`
/** A queue's short name (`notifications`, `transcode`): its Terraform resource ids and stack outputs start with it. */
export const queueKey = (queue: QueueDefinition) => queue.suffix.replace(/^-/, '').replace(/[^a-z0-9]/gi, '_')
