/**
 * Watch progress in the single table: one item per viewer and film, in the user's partition (so an account's
 * erasure sweeps it), and a sparse index of what is resumable (Continue watching).
 *
 *   USER#<userId> / PROGRESS#<viewer>#<movieId>      where the viewer stopped (gsi2: WATCHING#<viewer> / <at>#<movieId>,
 *                                                    only while the film is resumable and not removed from the row;
 *                                                    gsi1: VIDEOVIEWERS#<videoId> / <at>#<viewer>, what operators learn
 *                                                    of how much of a video is watched, src/playback/analytics.ts)
 *   USER#<userId> / WATCHED                          the ids of the films watched to the end (the cards' "Watched" marks),
 *                                                    read with the session's profile in one call
 *
 * The viewer is the user today; household profiles will be viewers of one user without a change of keys.
 */
export const PROGRESS_PREFIX = 'PROGRESS#'
export const progressSk = (viewer: string, movieId: number) => `${PROGRESS_PREFIX}${viewer}#${movieId}`
export const watchingPk = (viewer: string) => `WATCHING#${viewer}`
export const watchingSk = (at: string, movieId: number) => `${at}#${movieId}`
export const WATCHED_SK = 'WATCHED'
export const viewersPk = (videoId: string) => `VIDEOVIEWERS#${videoId}`
export const viewersSk = (at: string, viewer: string) => `${at}#${viewer}`

/** USER#<id> / WATCHED: movie id → true (a map: sets cannot be written through the data port). */
export interface WatchedSummaryItem {
  pk: string
  sk: string
  ids?: Record<string, true>
}

export interface ProgressItem {
  pk: string
  sk: string
  user_id: string
  viewer: string
  movie_id: number
  video_id: string
  /** Seconds into the video, and the video's own length when reported. */
  position: number
  duration: number
  /** When the viewer was there (the report's `at`, clamped): the newest wins. */
  at: string
  updated_at: string
  /** The first time the film was watched (position ≥ WATCHED_FRACTION of the duration); kept when it is watched again. */
  watched_at?: string
  gsi1pk: string
  gsi1sk: string
  /** In Continue watching (gsi2) while resumable and not removed from the row. */
  gsi2pk?: string
  gsi2sk?: string
}
