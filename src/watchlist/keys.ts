/** The watchlist's items in the single table; their keys come from src/shared/keys.ts. */

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
