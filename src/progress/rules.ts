/**
 * When a film counts as started, watched or abandoned (streaming-research.md: Jellyfin's and Plex's rules, without
 * a credits marker in this wave). Pure: the service, the rows and the recommender share them.
 */

/** Under this fraction of the film, a stop is not worth resuming. */
export const RESUMABLE_FROM = 0.05
/** From this fraction on, the film is watched (the credits roll). */
export const WATCHED_FRACTION = 0.9
/** A film left under this fraction and not touched for ABANDONED_AFTER_DAYS was abandoned. */
export const ABANDONED_BELOW = 0.1
export const ABANDONED_AFTER_DAYS = 7
/** A position may pass the end by this much (the last segment, rounding). */
export const POSITION_SLACK_SECONDS = 5
/** Reports may be this old (an offline device coming back) or this far ahead (clocks), no more. */
export const OLDEST_REPORT_MS = 30 * 86_400_000
export const NEWEST_REPORT_MS = 5 * 60_000

const fraction = (position: number, duration: number) => (duration > 0 ? position / duration : 0)

export const isWatched = (position: number, duration: number) => fraction(position, duration) >= WATCHED_FRACTION

/** Worth offering to resume: past the first few percent and not yet watched. */
export function isResumable(position: number, duration: number): boolean {
  const f = fraction(position, duration)
  return f >= RESUMABLE_FROM && f < WATCHED_FRACTION
}

export function isAbandoned(position: number, duration: number, at: string, now: number): boolean {
  return fraction(position, duration) < ABANDONED_BELOW && now - Date.parse(at) >= ABANDONED_AFTER_DAYS * 86_400_000
}

/** A report's time, clamped to [now − 30 days, now + 5 minutes]; now when absent. */
export function clampReportTime(at: string | undefined, now: number): string {
  const asked = at === undefined ? now : Date.parse(at)
  return new Date(Math.min(now + NEWEST_REPORT_MS, Math.max(now - OLDEST_REPORT_MS, asked))).toISOString()
}

/**
 * What a film's progress says of the viewer's taste: watched (to the end, ever), abandoned (left under 10 % a week
 * ago; checked before resumed: a film left at 7 % a month ago is not one someone means to finish), resumed (part-way,
 * worth resuming), or nothing yet (just started).
 */
export function watchStateOf(item: { position: number; duration: number; at: string; watched_at?: string }, now: number): 'watched' | 'resumed' | 'abandoned' | null {
  if (item.watched_at) return 'watched'
  if (isAbandoned(item.position, item.duration, item.at, now)) return 'abandoned'
  return isResumable(item.position, item.duration) ? 'resumed' : null
}

