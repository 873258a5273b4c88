import { isLikeRating } from './collaborative'
import type { LikedFilm } from './item-item'
import type { SignalSources } from './service'
import type { WatchState } from './types'

/** The user's list, as the watchlist's own API gives it (`WatchlistService.entries`). */
export interface ListedFilms {
  entries(userId: string): Promise<Array<{ movie_id: number; added_at: string }>>
}

/** The user's ratings, as the reviews' own API gives them (`ReviewService.byUser`). */
export interface RatedFilms {
  byUser(userId: string): Promise<Array<{ movie_id: number; rating: number; updated_at: string }>>
}

/** What the user watched here, as watch progress gives it (`ProgressService.history`). */
export interface WatchedFilms {
  history(userId: string): Promise<Array<{ movieId: number; state: WatchState; at: number }>>
}

/**
 * What picks are computed from, read through the features that own it. Each is asked for on use: the watchlist and
 * reviews report their changes back to recommendations, so none of the three can be built before the others.
 */
export function signalSources(list: () => ListedFilms, reviews: () => RatedFilms, watching: () => WatchedFilms): SignalSources {
  return {
    watched: (userId) => watching().history(userId),
    listed: async (userId) => (await list().entries(userId)).map((entry) => ({ movieId: entry.movie_id, at: Date.parse(entry.added_at) })),
    ratings: async (userId) =>
      (await reviews().byUser(userId)).map((review) => ({ movieId: review.movie_id, rating: review.rating, at: Date.parse(review.updated_at) })),
  }
}

/**
 * The user's current likes, what the collaborative counters count (CollaborativeDeps.likesOf): every listed film, and
 * every film rated as a like; a film both listed and liked counts from the later of the two.
 */
export function likesOf(sources: SignalSources): (userId: string) => Promise<LikedFilm[]> {
  return async (userId) => {
    const [listed, rated] = await Promise.all([sources.listed(userId), sources.ratings(userId)])
    const likes = new Map(listed.map((film) => [film.movieId, film.at]))
    for (const review of rated) if (isLikeRating(review.rating)) likes.set(review.movieId, Math.max(likes.get(review.movieId) ?? 0, review.at))
    return [...likes].map(([id, at]) => ({ id, at }))
  }
}
