import type { PicksItem } from './keys'

/**
 * Each user's stored picks as last read in this isolate. The picks item is tens of KB (the films of every personal
 * row) and read on every signed-in home page and API call, but changes only when it is recomputed: a reader that
 * holds a copy asks DynamoDB only for the item's version (computed_at, expires_at) and its small `dismissed` map,
 * and reuses the copy when the version matches. Keyed by user id (only that user's own requests read it); bounded by
 * count (~20 KB each), least recently used first out.
 */
const MAX_USERS = 200
const memo = new Map<string, PicksItem>()

/** The version fields a reader compares, and the part that changes in place. */
export const PICKS_HEAD = { projection: '#c, #e, #d', names: { '#c': 'computed_at', '#e': 'expires_at', '#d': 'dismissed' } }
export type PicksHead = Pick<PicksItem, 'computed_at' | 'expires_at' | 'dismissed'>

export function knownPicks(userId: string): PicksItem | undefined {
  const item = memo.get(userId)
  if (item) {
    memo.delete(userId)
    memo.set(userId, item)
  }
  return item
}

export function rememberPicks(userId: string, item: PicksItem | undefined): void {
  memo.delete(userId)
  if (!item) return
  if (memo.size >= MAX_USERS) memo.delete(memo.keys().next().value!)
  memo.set(userId, item)
}

/** The remembered picks with the head's fresh dismissals, when the head says they are the same computation. */
export function sameVersion(known: PicksItem, head: PicksHead): PicksItem | undefined {
  if (known.computed_at !== head.computed_at || known.expires_at !== head.expires_at) return undefined
  return { ...known, dismissed: head.dismissed ?? {} }
}

/**
 * The last answer a caller rendered from a user's picks (e.g. the API's JSON), by user id: `key` names everything
 * it was made from (the picks' version, which films were hidden on read, the caller's variant such as language and
 * limit), so a different key is a miss, never another answer. Same bound as the picks.
 */
const answers = new Map<string, { key: string; body: string }>()

export function knownAnswer(userId: string, key: string): string | undefined {
  const entry = answers.get(userId)
  return entry?.key === key ? entry.body : undefined
}

export function rememberAnswer(userId: string, key: string, body: string): void {
  answers.delete(userId)
  if (answers.size >= MAX_USERS) answers.delete(answers.keys().next().value!)
  answers.set(userId, { key, body })
}
