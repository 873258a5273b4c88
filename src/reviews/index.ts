import { newestFirst, publicFields, type AccountDataParticipant } from '../shared/participants'
import type { ReviewService } from './service'

export { REVIEWS_PAGE_SIZE, ReviewService, type Review, type ReviewPage, type ReviewSummary } from './service'

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
