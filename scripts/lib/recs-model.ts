import type { BlendWeights, ContentIndex, DiversityOptions, FilmFeatures, NeighbourOptions, RecommendContext, ScoredId, Signal, SignalOptions } from '../../src/recommendations'
import { coOccurrenceDelta, neighbourList, recommend } from '../../src/recommendations'
import type { Movie, Rating } from './movielens'
import type { EvalCase } from './recs-protocol'

/**
 * Feeds MovieLens to the product's recommender core: films become `FilmFeatures` (genres, year),
 * ratings become the product's `rating` signals (stars × 2 on the 1–10 scale, so ≥ 3.5 stars is
 * a like), and neighbour lists are maintained by replaying every like through the same
 * incremental co-occurrence functions the event handler uses.
 */

export interface ModelParams {
  weights: BlendWeights
  signal: SignalOptions
  diversity: DiversityOptions
  neighbours: NeighbourOptions
  /** Pairing cap per like event (the product's bounded fan-out). */
  maxPartners: number
}

/** Genre names → stable small ids (sorted), as TMDB's numeric genre ids stand in the product. */
export function filmFeatures(movies: ReadonlyMap<number, Movie>): FilmFeatures[] {
  const genreNames = [...new Set([...movies.values()].flatMap((movie) => movie.genres))].sort()
  const genreId = new Map(genreNames.map((name, i) => [name, i + 1]))
  return [...movies.values()].map((movie) => ({ id: movie.movieId, title: movie.title, genreIds: movie.genres.map((name) => genreId.get(name)!), year: movie.year }))
}

export const toSignal = (rating: Rating): Signal => ({ kind: 'rating', filmId: rating.movieId, at: rating.timestamp * 1000, rating: Math.max(1, Math.round(rating.rating * 2)) })

const LIKE_STARS = 3.5

/** Replays each user's likes in time order through `coOccurrenceDelta`, as the event handler would. */
export function coOccurrenceCounts(train: readonly Rating[], maxPartners: number) {
  const likeCounts = new Map<number, number>()
  const pairs = new Map<number, Map<number, number>>()
  const byUser = new Map<number, Rating[]>()
  for (const rating of train) {
    if (rating.rating < LIKE_STARS) continue
    const likes = byUser.get(rating.userId)
    if (likes) likes.push(rating)
    else byUser.set(rating.userId, [rating])
  }
  for (const likes of byUser.values()) {
    likes.sort((a, b) => a.timestamp - b.timestamp || a.movieId - b.movieId)
    const liked: Array<{ id: number; at: number }> = []
    for (const like of likes) {
      // Only the latest `maxPartners` likes can be paired, so that is all the handler needs to read.
      const before = liked.slice(-maxPartners)
      const film = { id: like.movieId, at: like.timestamp * 1000 }
      const delta = coOccurrenceDelta(before, [...before, film], maxPartners)
      for (const { filmId, delta: change } of delta.likeCounts) likeCounts.set(filmId, (likeCounts.get(filmId) ?? 0) + change)
      for (const { filmId, partnerId, delta: change } of delta.pairs) {
        const row = pairs.get(filmId) ?? new Map<number, number>()
        row.set(partnerId, (row.get(partnerId) ?? 0) + change)
        pairs.set(filmId, row)
      }
      liked.push(film)
    }
  }
  return { likeCounts, pairs }
}

/** The per-film neighbour lists the daily cron would write. */
export function neighbourLists(counts: ReturnType<typeof coOccurrenceCounts>, options: NeighbourOptions): Map<number, ScoredId[]> {
  const lists = new Map<number, ScoredId[]>()
  const likeCountOf = (id: number) => counts.likeCounts.get(id) ?? 0
  for (const [filmId, row] of counts.pairs) {
    const coCounts = [...row].map(([partnerId, count]) => ({ partnerId, count }))
    lists.set(filmId, neighbourList(likeCountOf(filmId), coCounts, likeCountOf, options))
  }
  return lists
}

/** Most-rated films in training, best first: the popularity baseline (and, cut short, the "trending" list). */
export function popularity(train: readonly Rating[]): ScoredId[] {
  const counts = new Map<number, number>()
  for (const rating of train) counts.set(rating.movieId, (counts.get(rating.movieId) ?? 0) + 1)
  return [...counts].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id)
}

/** The product's trending lists are a few hundred films at most; so is the evaluation's. */
export const TRENDING_SIZE = 500

export function contextFor(index: ContentIndex, neighbours: ReadonlyMap<number, ScoredId[]>, popular: readonly ScoredId[]): RecommendContext {
  return { index, neighbours: (id) => neighbours.get(id) ?? [], trending: popular.slice(0, TRENDING_SIZE) }
}

/** The recommender's top 10 for one held-out case, through the product's `recommend`. */
export function rankCase(evalCase: EvalCase, context: RecommendContext, params: ModelParams, limit = 10): number[] {
  const signals = evalCase.history.map(toSignal)
  const now = signals.reduce((latest, signal) => Math.max(latest, signal.at), 0)
  return recommend(signals, now, context, { limit, weights: params.weights, signal: params.signal, diversity: params.diversity, alsoExclude: evalCase.hidden }).map((pick) => pick.id)
}

/** Popularity baseline: the most-rated films the user has not rated. */
export function rankPopular(evalCase: EvalCase, trending: readonly ScoredId[], limit = 10): number[] {
  const rated = new Set([...evalCase.history.map((rating) => rating.movieId), ...evalCase.hidden])
  const ranked: number[] = []
  for (const { id } of trending) {
    if (ranked.length >= limit) break
    if (!rated.has(id)) ranked.push(id)
  }
  return ranked
}
