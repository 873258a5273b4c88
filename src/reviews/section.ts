import { loginUrl } from '../auth/middleware'
import type { MovieDetails } from '../catalog/types'
import type { ReviewFormState, ReviewsSectionProps } from '../../views/components/ReviewsSection'
import { REVIEW_TEXT_MAX } from './schemas'
import type { PageRequest, ReviewService } from './service'

/** The reviews block for a film as a viewer sees it (their own review apart, as a form): the film page's and the reviews pages'. */
export async function reviewsSection(
  reviews: Pick<ReviewService, 'forViewer'>,
  viewerId: string | undefined,
  movie: Pick<MovieDetails, 'id' | 'title'>,
  page: PageRequest = 1,
  extra: { form?: ReviewFormState; notice?: string } = {},
  read: { aggregateReadAhead?: boolean } = {},
): Promise<ReviewsSectionProps> {
  const found = await reviews.forViewer(movie.id, viewerId, page, undefined, read)
  const loginHref = viewerId ? undefined : loginUrl(`/movies/${movie.id}#reviews`)
  return { movieId: movie.id, movieTitle: movie.title, reviews: found, loginHref, textMax: REVIEW_TEXT_MAX, ...extra }
}
