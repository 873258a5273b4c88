import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import { ReviewsSection } from '../../views/components/ReviewsSection'
import { WatchlistButton } from '../../views/components/WatchlistButton'
import { DismissButton } from '../../views/components/DismissButton'
import type { MovieDetails } from '../catalog/types'
import type { AppEnv } from '../context'
import { reviewsSectionFor } from './review-pages'

export interface DetailsSlots {
  watchlistButton: Child
  reviews: Child
}

/**
 * The details page's per-viewer parts: the watchlist button in its real state (from the list
 * the browsing middleware read, else one GetItem) and the reviews section. Start it beside the catalog fetch; it needs only the film's id
 * until it renders.
 */
export function detailsSlots(c: Context<AppEnv>, movieId: number): Promise<(movie: Pick<MovieDetails, 'id' | 'title'>) => DetailsSlots> {
  const user = c.get('user')
  // The browsing middleware may already know the whole list (for the similar-titles cards).
  const known = c.get('listed')
  const listed = !user ? Promise.resolve(false) : known ? Promise.resolve(known.has(movieId)) : c.get('services').watchlist.has(user.id, movieId)
  const reviews = reviewsSectionFor(c, { id: movieId, title: '' })
  // "Not interested" for signed-in viewers (recommendations), beside the list button.
  const dismissed = user ? c.get('services').recommendations.isDismissed(user.id, movieId) : Promise.resolve(null)
  return Promise.all([listed, reviews, dismissed]).then(
    ([inList, section, isDismissed]) =>
      (movie) => ({
        watchlistButton: (
          <>
            <WatchlistButton movieId={movie.id} title={movie.title} inList={inList} />
            {isDismissed === null ? null : <DismissButton movieId={movie.id} title={movie.title} dismissed={isDismissed} />}
          </>
        ),
        reviews: <ReviewsSection {...section} movieTitle={movie.title} />,
      }),
    (error: unknown) => {
      // The film page still works when user data is unreachable; only these parts degrade.
      console.error(`[${c.get('requestId')}] details page: user data unavailable`, error)
      return (movie) => ({
        watchlistButton: <WatchlistButton movieId={movie.id} title={movie.title} />,
        reviews: <p class="muted">Reviews are unavailable right now. Please try again shortly.</p>,
      })
    },
  )
}
