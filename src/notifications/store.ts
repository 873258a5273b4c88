import { z } from 'zod'
import { ConditionalCheckFailedError, TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import type { CursorCodec } from '../shared/cursor'
import { InvalidCursor } from '../shared/errors'
import { userPk } from '../shared/keys'
import { ALERTED_PREFIX, NOTIF_PREFIX, RECOMMENDED_PREFIX, notificationSk, recommendedSk } from './keys'
import { recountUnread, unreadAdded, unreadFrom, unreadRemoved, unreadSummaryKey, type UnreadSummaryItem } from './unread'
import { retryOptimistic } from '../shared/conflict-retry'
import type { Defer } from '../platform'

export const NOTIFICATION_TYPES = ['welcome', 'release', 'recommendation', 'security'] as const
export type NotificationType = (typeof NOTIFICATION_TYPES)[number]

/** The contract's Notification. */
export const NotificationSchema = z.object({
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  title: z.string(),
  body: z.string(),
  movie_id: z.number().int().nullable(),
  created_at: z.string(),
  read: z.boolean(),
})
export type Notification = z.infer<typeof NotificationSchema>

/**
 * What a notification says, as a template name and its params (ids and numbers, never display text):
 * it is rendered in the reader's language when read (src/notifications/render.ts), with film titles
 * and genre names looked up then.
 */
export type NotificationMessage =
  | { template: 'welcome'; params: Record<string, never> }
  | { template: 'security.password_changed'; params: Record<string, never> }
  | { template: 'security.email_changed'; params: Record<string, never> }
  | { template: 'recommendation.rated'; params: { rated_movie_id: number; rating: number } }
  | { template: 'release.listed'; params: { release_date: string | null } }
  | { template: 'release.genre'; params: { genre_id: number; release_date: string | null } }
  | { template: 'release.streaming'; params: Record<string, never> }

export type NotificationTemplate = NotificationMessage['template']

/** Items written before notifications were stored as {template, params}: their text as it was rendered then. */
export interface LegacyText {
  title: string
  body: string
}

export type NewNotification = {
  type: NotificationType
  movie_id?: number | null
  /** When it happened (default now); it orders the list. */
  at?: Date
  /** Makes the id deterministic (e.g. the event id), so a retried write lands on the same item. */
  key?: string
} & (NotificationMessage | LegacyText)

/** A stored notification: {template, params} (or, written before those, its rendered title and body). */
export type NotificationItem = Omit<Notification, 'title' | 'body'> & Partial<LegacyText> & {
  template?: NotificationTemplate
  params?: Record<string, unknown>
  pk: string
  sk: string
  entity: 'notification'
  user_id: string
  /** Epoch seconds; DynamoDB TTL removes the item after it. */
  expires_at: number
}

export const NOTIFICATION_TTL_SECONDS = 90 * 24 * 3600
export const PAGE_SIZE = 20

/** One page of notifications; `next_cursor` continues right after it (null on the last page). */
export interface NotificationPage<T = NotificationItem> {
  page: number
  results: T[]
  next_cursor: string | null
}

const CURSOR_KIND = 'notifications'

// An id starts with its creation time (ms, base36, 9 chars), so the sort key can be rebuilt from
// the id alone: reads and updates of one notification are a key lookup, not a scan of the partition.
const ID_PATTERN = /^[0-9a-z]{9}[0-9a-f]{16}$/
const TIME_CHARS = 9

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** Sort keys of notifications younger than the 90-day expiry: NOTIF#<oldest live time> to NOTIF#~ ('~' sorts after every digit). */
const liveRange = (now: number) => ({
  ':from': notificationSk(new Date((now - NOTIFICATION_TTL_SECONDS) * 1000).toISOString(), ''),
  ':to': `${NOTIF_PREFIX}~`,
})

function sortKeyForId(id: string): string | undefined {
  if (!ID_PATTERN.test(id)) return undefined
  const ms = parseInt(id.slice(0, TIME_CHARS), 36)
  const at = new Date(ms)
  return Number.isNaN(at.getTime()) ? undefined : notificationSk(at.toISOString(), id)
}

async function suffixFor(key: string | undefined): Promise<string> {
  if (key === undefined) return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('')
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)))
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('')
}


/** A user's notifications: USER#<id> / NOTIF#<iso time>#<id>, newest first, kept 90 days. */
export class NotificationStore {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
    private readonly cursors: CursorCodec,
    /** Where a first count of a user's unread notifications is written back (after the response). */
    private readonly defer?: Defer,
  ) {}

  /** The item for a new notification (not yet written). */
  async build(userId: string, input: NewNotification): Promise<NotificationItem> {
    const at = input.at ?? new Date()
    const id = at.getTime().toString(36).padStart(TIME_CHARS, '0') + (await suffixFor(input.key))
    const createdAt = new Date(at.getTime()).toISOString()
    return {
      pk: userPk(userId),
      sk: notificationSk(createdAt, id),
      entity: 'notification',
      user_id: userId,
      id,
      type: input.type,
      ...('template' in input ? { template: input.template, params: input.params } : { title: input.title, body: input.body }),
      movie_id: input.movie_id ?? null,
      created_at: createdAt,
      read: false,
      expires_at: Math.floor(at.getTime() / 1000) + NOTIFICATION_TTL_SECONDS,
    }
  }

  /** The transaction entry that writes `item` once (a retried write of the same item is a no-op failure). */
  putEntry(item: NotificationItem): TransactItem {
    return { put: { table: this.table, item, condition: 'attribute_not_exists(pk)' } }
  }

  /** The transaction entry that counts `items` (new, unread, all of one user) in the user's unread summary. */
  unreadEntry(userId: string, items: NotificationItem[]): TransactItem {
    return unreadAdded(this.table, userId, items.map((item) => item.expires_at))
  }

  /** Newest first, PAGE_SIZE per page (page N reads N pages; prefer `page()` with a cursor). */
  async list(userId: string, page = 1): Promise<NotificationItem[]> {
    return (await this.page(userId, { page })).results
  }

  /**
   * One page, newest first: a Query of PAGE_SIZE + 1 items (the extra one tells whether more
   * follow), starting after the cursor's notification. Only the last 90 days are in the key
   * range, so expired items DynamoDB has not deleted yet are neither read nor shown.
   * A cursor of another user, or an altered one, is InvalidCursor.
   */
  async page(userId: string, request: { page?: number; cursor?: string }): Promise<NotificationPage> {
    let page = request.page ?? 1
    let after: string | undefined
    if (request.cursor) {
      const match = /^([0-9]{1,6})\|(NOTIF#.+)$/.exec(await this.cursors.decode(CURSOR_KIND, userId, request.cursor))
      if (!match) throw new InvalidCursor()
      page = Number(match[1])
      after = match[2]
    }
    const skip = after ? 0 : (page - 1) * PAGE_SIZE
    const now = nowSeconds()
    const { items } = await this.db.query<NotificationItem>(this.table, {
      keyCondition: 'pk = :pk AND sk BETWEEN :from AND :to',
      // TTL deletion lags by up to days; the key range already stops at the oldest live time, the filter settles the boundary second.
      filter: 'expires_at > :now',
      values: { ':pk': userPk(userId), ...liveRange(now), ':now': now },
      forward: false,
      limit: skip + PAGE_SIZE + 1,
      ...(after ? { startKey: { pk: userPk(userId), sk: after } } : {}),
    })
    const shown = items.slice(skip, skip + PAGE_SIZE)
    const last = shown.at(-1)
    const more = items.length > skip + PAGE_SIZE && last !== undefined
    return {
      page,
      results: shown,
      next_cursor: more ? await this.cursors.encode(CURSOR_KIND, userId, `${page + 1}|${last.sk}`) : null,
    }
  }

  /**
   * From the unread summary (read in the session's batch on signed-in requests); a Query when the summary cannot
   * tell, and then, for a user never counted, the count is written back after the response.
   */
  async unreadCount(userId: string): Promise<number> {
    const summary = await this.db.get<UnreadSummaryItem>(this.table, unreadSummaryKey(userId), { consistent: true })
    const known = unreadFrom(summary, nowSeconds())
    if (known !== undefined) return known
    const unread = await this.unreadKeys(userId)
    if (!summary?.counted && this.defer) this.defer(this.recount(userId, { firstCount: true }))
    return unread.length
  }

  /** Counts the unread ones again and writes the summary from it (see src/notifications/unread.ts). */
  recount(userId: string, opts: { firstCount?: boolean } = {}): Promise<number | undefined> {
    return recountUnread(this.db, this.table, userId, async () => (await this.unreadKeys(userId, true)).map((key) => key.expires_at), opts)
  }

  /** One notification by id (a key lookup); undefined when the user has no such notification. */
  async get(userId: string, id: string): Promise<NotificationItem | undefined> {
    const sk = sortKeyForId(id)
    return sk ? this.db.get<NotificationItem>(this.table, { pk: userPk(userId), sk }, { consistent: true }) : undefined
  }

  /** Marks one as read (and out of the unread summary, in one transaction); undefined when the user has no such notification. */
  async markRead(userId: string, id: string): Promise<NotificationItem | undefined> {
    const sk = sortKeyForId(id)
    if (!sk) return undefined
    return retryOptimistic(async () => {
      const item = await this.db.get<NotificationItem>(this.table, { pk: userPk(userId), sk }, { consistent: true })
      if (!item) return { found: undefined }
      if (item.read) return { found: item }
      try {
        await this.db.transactWrite([
          {
            update: {
              table: this.table,
              key: { pk: userPk(userId), sk },
              update: 'SET #read = :true',
              // Only an unread one leaves the count: a concurrent read of the same notification subtracts once.
              condition: 'attribute_exists(pk) AND #read = :false',
              names: { '#read': 'read' },
              values: { ':true': true, ':false': false },
            },
          },
          unreadRemoved(this.table, userId, item.expires_at),
        ])
        return { found: { ...item, read: true } }
      } catch (error) {
        // Read (or expired) meanwhile: look again.
        if (error instanceof TransactionCanceledError && error.conditionFailedAt(0)) return undefined
        throw error
      }
    }).then((outcome) => outcome.found)
  }

  /** Marks every unread notification of the user as read; resolves with how many changed. */
  async markAllRead(userId: string): Promise<number> {
    const unread = await this.unreadKeys(userId)
    for (let start = 0; start < unread.length; start += 10) {
      await Promise.all(
        unread.slice(start, start + 10).map(({ pk, sk }) =>
          this.db
            .update(this.table, { pk, sk }, {
              update: 'SET #read = :true',
              condition: 'attribute_exists(pk)',
              names: { '#read': 'read' },
              values: { ':true': true },
              returnValues: 'NONE',
            })
            .catch((error: unknown) => {
              // Expired by TTL between the query and the update: nothing left to mark.
              if (!(error instanceof ConditionalCheckFailedError)) throw error
            }),
        ),
      )
    }
    // The summary from what is left unread (one that arrived meanwhile stays counted).
    await this.recount(userId)
    return unread.length
  }

  private async unreadKeys(userId: string, consistent = false): Promise<{ pk: string; sk: string; expires_at: number }[]> {
    const now = nowSeconds()
    return this.db.queryAll<{ pk: string; sk: string; expires_at: number }>(this.table, {
      // Only the live 90 days are in the key range (expired items awaiting TTL deletion are not read).
      keyCondition: 'pk = :pk AND sk BETWEEN :from AND :to',
      filter: '#read = :false AND expires_at > :now',
      names: { '#read': 'read' },
      values: { ':pk': userPk(userId), ...liveRange(now), ':false': false, ':now': now },
      projection: 'pk, sk, expires_at',
      consistent,
    })
  }

  /** Which of `movieIds` the user has been recommended already (the RECOMMENDED# markers). */
  async recommendedAmong(userId: string, movieIds: number[]): Promise<Set<number>> {
    if (movieIds.length === 0) return new Set()
    const items = await this.db.batchGet<{ movie_id: number }>(
      this.table,
      movieIds.map((id) => ({ pk: userPk(userId), sk: recommendedSk(id) })),
    )
    return new Set(items.map((item) => item.movie_id))
  }

  /** The user's notifications and markers (account export and erasure). */
  async userItems(userId: string): Promise<{ notifications: NotificationItem[]; markers: Record<string, unknown>[] }> {
    const items = await this.db.queryAll<Record<string, unknown> & { pk: string; sk: string }>(this.table, {
      keyCondition: 'pk = :pk',
      values: { ':pk': userPk(userId) },
      consistent: true,
    })
    const ours = (prefix: string) => items.filter((item) => item.sk.startsWith(prefix))
    return {
      notifications: ours(NOTIF_PREFIX) as unknown as NotificationItem[],
      markers: [...ours(RECOMMENDED_PREFIX), ...ours(ALERTED_PREFIX)],
    }
  }

  /** Account deletion: every notification and marker of the user. */
  async eraseUser(userId: string): Promise<void> {
    const { notifications, markers } = await this.userItems(userId)
    const keys = [...notifications, ...markers, unreadSummaryKey(userId)].map((item) => ({ delete: { pk: item.pk, sk: item.sk } }))
    await this.db.batchWrite(this.table, keys)
  }
}
