import { newestFirst, publicFields, type AccountDataParticipant } from '../shared/participants'
import type { ReadPlan } from '../data/prefetch'
import { filmPageReads } from './keys'
import type { ReviewService } from './service'

export { REVIEWS_PAGE_SIZE, ReviewService, type Review, type ReviewPage, type ReviewSummary } from './service'

/** A signed-in film page's reads of this feature (the film's aggregate, the viewer's own review): `services.readAhead` it. */
export const filmPageReviewsPlan = (movieId: number): ReadPlan => (viewerId) => filmPageReads(movieId, viewerId)

/** Reviews' part in account export and erasure (erasure corrects each film's aggregate). */
export function reviewsParticipant(reviews: ReviewService): AccountDataParticipant {
  return {
    name: 'reviews',
    async export(userId) {
      return { reviews: (await reviews.byUser(userId)).map(publicFields).sort(newestFirst('updated_at')) }
    },
    erase: async (userId) => void (await reviews.eraseUser(userId)),
  }
}
