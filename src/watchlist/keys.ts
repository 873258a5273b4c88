/** The watchlist's keys and items in the single table. */
import type { Movie } from '../catalog/types'

/** USER#<id> / WATCH#<movieId> (gsi1: WATCHERS#<movieId> / USER#<id>). */
export const WATCH_PREFIX = 'WATCH#'
export const watchSk = (movieId: number) => `${WATCH_PREFIX}${movieId}`
export const watchersPk = (movieId: number) => `WATCHERS#${movieId}`

/** gsi2: LIST#<userId> / <added_at>#<movieId>, the list newest first, a page at a time. */
export const listTimelinePk = (userId: string) => `LIST#${userId}`
export const listTimelineSk = (addedAt: string, movieId: number) => `${addedAt}#${movieId}`

/** USER#<id> / WATCHLIST: the list's summary (count and ids), written in every add's and remove's transaction. */
export const LIST_SUMMARY_SK = 'WATCHLIST'

/** A list holds at most this many films (the summary's condition enforces it under concurrency). */
export const WATCHLIST_MAX = 1000
export const WATCHLIST_PAGE_SIZE = 60

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
  /** gsi2 (see listTimelinePk); absent on entries written before the index, until the summary's migration. */
  gsi2pk?: string
  gsi2sk?: string
  /** The film as it was when added (or last refreshed), so the list needs no catalog calls. */
  movie?: Movie
  snapshot_at?: string
}

/** USER#<id> / WATCHLIST: `count` films; `ids` (a map, as sets cannot be written through the data port) for the cards' "listed" markers. */
export type ListSummaryItem = {
  pk: string
  sk: string
  count: number
  /** movie id → true: the "listed" markers of cards. */
  ids?: Record<string, true>
  /** Grows with every add and remove (src/watchlist/list-memo.ts); absent on summaries not changed since it exists. */
  version?: number
  /** When the last add or remove happened (epoch ms): the list's index may lag that write by a moment. */
  changed_at?: number
  /** The film added last: shown first on reads soon after, even while the index does not list it yet. */
  last_added?: number
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
