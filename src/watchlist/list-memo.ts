/**
 * The list's first pages as last read, per isolate, under the list's version. Every add and remove bumps the
 * summary's `version` in its transaction, and every signed-in request reads the summary anyway (the session's one
 * batch), so a request whose version matches what was read before can skip the Query of the entries (the home
 * page's My List row, the first page of /watchlist): the same list, read again. Another isolate's change is seen at
 * once (the version read is consistent); snapshot refreshes do not bump the version, so entries also expire after
 * a few minutes. The entries are read through an index (gsi2), which DynamoDB updates a moment after the write:
 * a read soon after the list changed is not remembered, or a film just added could be missing from it for minutes.
 * Keyed by user: a user only ever gets their own list back. Summaries without a version (written before it
 * existed) are never memoised.
 */
const MAX_ENTRIES = 500
const MAX_AGE_MS = 5 * 60_000
/** Far beyond a global secondary index's usual lag behind its table (well under a second). */
export const SETTLE_MS = 10_000

const memo = new Map<string, { at: number; value: unknown }>()

const keyOf = (userId: string, version: number, what: string) => `${userId}\u0000${version}\u0000${what}`

export interface ListVersion {
  version?: number
  changed_at?: number
}

/** `read()`'s answer, or the one remembered for this user, list version and `what` (page, size, language). */
export async function memoisedRead<T>(userId: string, list: ListVersion | undefined, what: string, read: () => Promise<T>): Promise<T> {
  const version = list?.version
  if (version === undefined) return read()
  const key = keyOf(userId, version, what)
  const known = memo.get(key)
  const now = Date.now()
  if (known && now - known.at < MAX_AGE_MS) return known.value as T
  const value = await read()
  if (now - (list?.changed_at ?? 0) < SETTLE_MS) return value
  memo.delete(key)
  if (memo.size >= MAX_ENTRIES) memo.delete(memo.keys().next().value!)
  memo.set(key, { at: now, value })
  return value
}

/** For tests: forget every list. */
export function clearListMemo() {
  memo.clear()
}
