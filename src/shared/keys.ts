/**
 * Key builders of the single table (pk/sk and gsi1pk/gsi1sk; see infra/resources.ts): the one
 * place each key shape is spelled, so readers and writers in different modules cannot drift apart.
 */

export const USER_PREFIX = 'USER#'
export const userPk = (userId: string) => `${USER_PREFIX}${userId}`

/** USER#<id> / PROFILE, and the EMAIL#<email> marker that makes emails unique. */
export const PROFILE_SK = 'PROFILE'
export const profileKey = (userId: string) => ({ pk: userPk(userId), sk: PROFILE_SK })
export const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' })

/** MOVIE#<id> / REVIEW#<userId> (gsi1: USER#<id> / REVIEW#<movieId>), and MOVIE#<id> / AGG. */
export const moviePk = (movieId: number) => `MOVIE#${movieId}`
export const REVIEW_PREFIX = 'REVIEW#'
export const reviewSk = (userId: string) => `${REVIEW_PREFIX}${userId}`
export const reviewIndexSk = (movieId: number) => `${REVIEW_PREFIX}${movieId}`
export const movieAggKey = (movieId: number) => ({ pk: moviePk(movieId), sk: 'AGG' })

/** USER#<id> / WATCH#<movieId> (gsi1: WATCHERS#<movieId> / USER#<id>). */
export const WATCH_PREFIX = 'WATCH#'
export const watchSk = (movieId: number) => `${WATCH_PREFIX}${movieId}`
export const watchersPk = (movieId: number) => `WATCHERS#${movieId}`

/** GENRE#<genreId> / USER#<id> (gsi1: USER#<id> / GENRE#<genreId>). */
export const GENRE_PREFIX = 'GENRE#'
export const genrePk = (genreId: number) => `${GENRE_PREFIX}${genreId}`

/** USER#<id> / NOTIF#<iso time>#<notification id>. */
export const NOTIF_PREFIX = 'NOTIF#'
export const notificationSk = (createdAt: string, id: string) => `${NOTIF_PREFIX}${createdAt}#${id}`

/** Per-user markers: "recommended this film already", "alerted about this release already". */
export const recommendedSk = (movieId: number) => `RECOMMENDED#${movieId}`
export const alertedSk = (movieId: number) => `ALERTED#${movieId}`
