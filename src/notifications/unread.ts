import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import { userPk } from '../shared/keys'
import { UNREAD_SUMMARY_SK } from './keys'

/**
 * USER#<id> / NOTIFICATIONS: how many notifications the user has not read, so the header's bell needs no Query on
 * every page (the item is read in the session's one BatchGetItem, src/data/prefetch.ts).
 *
 * Notifications expire (90 days, DynamoDB TTL), so a plain counter would drift: the unread ones are counted per
 * expiry day instead, one top-level number per day (`u20270224`), and a day's count stops counting once the day is
 * over. Every write that changes the unread set changes the item in the same transaction: a new notification adds
 * to its day, marking one read (conditioned on it being unread) subtracts; `seq` grows with each of them. The
 * count is trusted once `counted` is set by a recount (a Query of the unread ones, written back only if `seq` did
 * not move meanwhile), which runs for users whose item predates this, and after "mark all read".
 * At most ~91 live days (each expiry is 90 days after creation); past days are dropped by the next recount.
 */
export const unreadSummaryKey = (userId: string) => ({ pk: userPk(userId), sk: UNREAD_SUMMARY_SK })

export type UnreadSummaryItem = { pk: string; sk: string; counted?: boolean; seq?: number } & Record<string, unknown>

const DAY_ATTRIBUTE = /^u(\d{8})$/
const dayOf = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().slice(0, 10).replaceAll('-', '')
const dayAttribute = (expiresAt: number) => `u${dayOf(expiresAt)}`

/** Unread notifications per expiry-day attribute. */
function byDay(expiries: number[], sign: 1 | -1): Map<string, number> {
  const days = new Map<string, number>()
  for (const expiresAt of expiries) days.set(dayAttribute(expiresAt), (days.get(dayAttribute(expiresAt)) ?? 0) + sign)
  return days
}

function change(table: string, userId: string, days: Map<string, number>): TransactItem {
  const names: Record<string, string> = { '#seq': 'seq' }
  const values: Record<string, unknown> = { ':one': 1 }
  const parts = ['#seq :one']
  let i = 0
  for (const [attribute, delta] of days) {
    names[`#d${i}`] = attribute
    values[`:d${i}`] = delta
    parts.push(`#d${i} :d${i}`)
    i++
  }
  return { update: { table, key: unreadSummaryKey(userId), update: `ADD ${parts.join(', ')}`, names, values } }
}

/** The transaction part of writing new unread notifications (their `expires_at`), all of one user. */
export const unreadAdded = (table: string, userId: string, expiries: number[]): TransactItem => change(table, userId, byDay(expiries, 1))

/** The transaction part of marking one unread notification read. */
export const unreadRemoved = (table: string, userId: string, expiresAt: number): TransactItem => change(table, userId, byDay([expiresAt], -1))

/**
 * The unread count the item gives at `now` (epoch seconds), or undefined when only a Query can tell: not counted
 * yet, or unread notifications expire today (the item knows the day, not the second).
 */
export function unreadFrom(item: UnreadSummaryItem | undefined, now: number): number | undefined {
  if (!item?.counted) return undefined
  const today = dayOf(now)
  let count = 0
  for (const [attribute, value] of Object.entries(item)) {
    const day = DAY_ATTRIBUTE.exec(attribute)?.[1]
    if (day === undefined || day < today) continue
    const n = Number(value)
    if (day === today && n > 0) return undefined
    count += n
  }
  return Math.max(0, count)
}

/**
 * Counts the unread notifications (`unreadExpiries`: a consistent Query of them) and writes the item from it,
 * unless a write changed it meanwhile (then again). Returns the count. `firstCount`: only for a user not counted
 * yet (a page's first load and its htmx requests may all start one; the first to finish is enough).
 */
export async function recountUnread(
  db: DataStore,
  table: string,
  userId: string,
  unreadExpiries: () => Promise<number[]>,
  opts: { firstCount?: boolean } = {},
): Promise<number | undefined> {
  for (let attempt = 0; ; attempt++) {
    const current = await db.get<UnreadSummaryItem>(table, unreadSummaryKey(userId), { consistent: true })
    if (opts.firstCount && current?.counted) return undefined
    const expiries = await unreadExpiries()
    const seq = current?.seq
    const item: UnreadSummaryItem = { ...unreadSummaryKey(userId), counted: true, seq: (seq ?? 0) + 1, ...Object.fromEntries(byDay(expiries, 1)) }
    try {
      await db.put(table, item, seq === undefined ? { condition: 'attribute_not_exists(#seq)', names: { '#seq': 'seq' } } : { condition: '#seq = :seq', names: { '#seq': 'seq' }, values: { ':seq': seq } })
      return expiries.length
    } catch (error) {
      // Another write (a new notification, a read, another recount) landed between the read and the put.
      if (!(error instanceof ConditionalCheckFailedError) || attempt >= 4) throw error
    }
  }
}
