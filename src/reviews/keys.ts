/** MOVIE#<id> / REVIEW#<userId> (gsi1: USER#<id> / REVIEW#<movieId>), and MOVIE#<id> / AGG. */
export const moviePk = (movieId: number) => `MOVIE#${movieId}`
export const REVIEW_PREFIX = 'REVIEW#'
export const reviewSk = (userId: string) => `${REVIEW_PREFIX}${userId}`
export const reviewIndexSk = (movieId: number) => `${REVIEW_PREFIX}${movieId}`
export const movieAggKey = (movieId: number) => ({ pk: moviePk(movieId), sk: 'AGG' })
