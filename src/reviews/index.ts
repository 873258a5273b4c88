import type { Context } from 'hono'
import type { AppEnv } from '../context'
import { ReviewService } from './service'

export { REVIEWS_PAGE_SIZE, ReviewService, deleteReview, deleteUserReviews, renameReviewer, type Review, type ReviewPage, type ReviewSummary } from './service'

/** The review service for this request (the table from config, the request's DynamoDB client). */
export function reviewsFor(c: Context<AppEnv>): ReviewService {
  return new ReviewService(c.get('services').db, c.get('config').DYNAMODB_TABLE)
}
