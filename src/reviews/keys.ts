/** MOVIE#<id> / REVIEW#<userId> (gsi1: USER#<id> / REVIEW#<movieId>), and MOVIE#<id> / AGG. */
export const moviePk = (movieId: number) => `MOVIE#${movieId}`
export const REVIEW_PREFIX = 'REVIEW#'
export const reviewSk = (userId: string) => `${REVIEW_PREFIX}${userId}`
export const reviewIndexSk = (movieId: number) => `${REVIEW_PREFIX}${movieId}`
export const movieAggKey = (movieId: number) => ({ pk: moviePk(movieId), sk: 'AGG' })
/** gsi2: a film's reviews in time order (created_at is kept on edits, so a review keeps its place). */
export const reviewsTimelinePk = (movieId: number) => `REVIEWS#${movieId}`
export const reviewsTimelineSk = (createdAt: string, userId: string) => `${createdAt}#${userId}`

/**
 * USER#<id> / REVIEWREF#<movieId>: "this user reviewed that film", in the user's own partition and written in
 * the review's transaction, so account erasure finds every review with a strongly consistent read (gsi1 lags).
 */
export const REVIEW_REF_PREFIX = 'REVIEWREF#'
export const reviewRefSk = (movieId: number) => `${REVIEW_REF_PREFIX}${movieId}`

/** What a signed-in viewer's film page reads of this feature (the aggregate, their own review): read ahead with the session (`filmPageReviewsPlan`). */
export const filmPageReads = (movieId: number, viewerId: string) => [movieAggKey(movieId), { pk: moviePk(movieId), sk: reviewSk(viewerId) }]
