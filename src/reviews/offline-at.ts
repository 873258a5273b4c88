/**
 * Offline rating conflicts (issue 41). The service worker replays an action queued offline with `X-Offline-At`, when
 * it happened; a review changed after that (on another device, or online in between) is newer and is kept.
 */

/** ISO 8601 with a time and a zone (what `Date.prototype.toISOString` and the worker send). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * The header's instant in the stored `updated_at` form (UTC, milliseconds: ordered as strings, which the write's
 * condition relies on). A malformed value or one in the future is ignored (undefined): the write then goes through as
 * an online one would, which is also what a future instant would decide, since every stored review is older.
 */
export function offlineAt(header: string | undefined, now = Date.now()): string | undefined {
  if (!header || !ISO_TIME.test(header.trim())) return undefined
  const at = Date.parse(header.trim())
  if (!Number.isFinite(at) || at > now) return undefined
  return new Date(at).toISOString()
}

/** The answer's header when the stored review was newer and kept. */
export const KEPT_NEWER = { 'X-Offline-Conflict': 'kept-newer' } as const
