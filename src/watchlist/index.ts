import type { Context } from 'hono'
import type { Movie, MovieDetails } from '../catalog/types'
import type { AppEnv } from '../context'
import { WatchlistService } from './service'

export { WatchlistService, deleteUserWatchlist, followedGenres, followersOfGenre, watchersOf, type ListedMovie } from './service'

/** The watchlist service for this request (the table from config, the request's DynamoDB client). */
export function watchlistFor(c: Context<AppEnv>): WatchlistService {
  return new WatchlistService(c.get('services').db, c.get('config').DYNAMODB_TABLE)
}

/** The contract's Movie out of a MovieDetails (the list shows cards, not details). */
export function movieOf(details: MovieDetails): Movie {
  const { id, title, overview, release_date, poster_url, backdrop_url, vote_average, vote_count, genre_ids } = details
  return { id, title, overview, release_date, poster_url, backdrop_url, vote_average, vote_count, genre_ids }
}
