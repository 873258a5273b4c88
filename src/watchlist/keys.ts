/** The watchlist's keys and items in the single table. */

/** USER#<id> / WATCH#<movieId> (gsi1: WATCHERS#<movieId> / USER#<id>). */
export const WATCH_PREFIX = 'WATCH#'
export const watchSk = (movieId: number) => `${WATCH_PREFIX}${movieId}`
export const watchersPk = (movieId: number) => `WATCHERS#${movieId}`

/** GENRE#<genreId> / USER#<id> (gsi1: USER#<id> / GENRE#<genreId>). */
export const GENRE_PREFIX = 'GENRE#'
export const genrePk = (genreId: number) => `${GENRE_PREFIX}${genreId}`

/** USER#<id> / WATCH#<movieId>: one listed film. gsi1 answers "who listed film F". */
export type WatchItem = {
  pk: string
  sk: string
  gsi1pk: string
  gsi1sk: string
  user_id: string
  movie_id: number
  /** Kept so a removal can correct the genre follows without asking the catalog. */
  genre_ids: number[]
  added_at: string
}

/**
 * GENRE#<genreId> / USER#<userId>: the user follows the genre while `listed_count` (films on
 * their list with that genre) is at least 1. gsi1 (USER#<id> / GENRE#<genreId>) finds a user's follows.
 */
export type GenreFollowItem = {
  pk: string
  sk: string
  gsi1pk: string
  gsi1sk: string
  user_id: string
  genre_id: number
  listed_count: number
}
