/**
 * The recommender's vocabulary. Everything here is plain data: the core does no I/O, so the
 * product (DynamoDB, the catalog, TMDB) and the offline evaluation (MovieLens in memory) feed it
 * through the same shapes and get the same rankings.
 */

/** What a user did to a film. `at` is epoch milliseconds. */
export type Signal =
  /** Added to their list: a like. */
  | { kind: 'list'; filmId: number; at: number }
  /** Rated 1–10: ≥ 7 is a like (stronger the higher), ≤ 4 a dislike, 5–6 neither; always excluded. */
  | { kind: 'rating'; filmId: number; at: number; rating: number }
  /** Opened the film's page while signed in: a weak like, not excluded. */
  | { kind: 'view'; filmId: number; at: number }
  /** "Not interested": never recommended again. */
  | { kind: 'dismiss'; filmId: number; at: number }
  /**
   * Watched here (src/progress/rules.ts): to the end (a strong like), part-way and stopped (a like), or left early and
   * not touched for a week (a weak dislike). Always excluded: the film is seen, or in Continue watching.
   */
  | { kind: 'watch'; filmId: number; at: number; state: WatchState }

export type WatchState = 'watched' | 'resumed' | 'abandoned'

/** What the core knows about a film; everything but `id`, `title` and `genreIds` is optional. */
export interface FilmFeatures {
  id: number
  title: string
  genreIds: readonly number[]
  director?: string | null
  /** Top-billed names, most important first. */
  cast?: readonly string[]
  year?: number | null
  originalLanguage?: string | null
  keywords?: readonly string[]
}

/** A scored film id, as neighbour lists, TMDB recommendations and trending lists carry them. */
export interface ScoredId {
  id: number
  score: number
}

/**
 * Item–item neighbours of a film, best first (per-film neighbour items in DynamoDB in the
 * product, computed from MovieLens in the evaluation). Synchronous: the caller prefetches the
 * lists of `seedFilmIds(...)` and answers from memory.
 */
export type NeighbourLookup = (filmId: number) => readonly ScoredId[]

/** TMDB's recommendations for a seed film, best first; same prefetch contract as neighbours. */
export type RecommendationsLookup = (filmId: number) => readonly ScoredId[]

/** The `source` of the public contract. */
export type RecommendationSource = 'similar' | 'collaborative' | 'genre' | 'trending'

/** Reason codes rendered into a sentence through i18n later (never English here). */
export type ReasonCode = 'similar_to' | 'because_watched' | 'liked_by_fans_of' | 'trending_in_genre' | 'trending'

export interface Reason {
  code: ReasonCode
  /** `title` for similar_to / because_watched / liked_by_fans_of, `genreId` for trending_in_genre. */
  params: Record<string, string | number>
}

export interface Recommendation {
  id: number
  score: number
  source: RecommendationSource
  because: { id: number; title: string } | null
  reason: Reason
}

/** The internal candidate sources; `content` and `tmdb` both surface as `similar`. */
export type SourceName = 'content' | 'collaborative' | 'tmdb' | 'genre' | 'trending'

export type BlendWeights = Record<SourceName, number>
