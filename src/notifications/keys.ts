/** USER#<id> / NOTIF#<iso time>#<notification id>. */
export const NOTIF_PREFIX = 'NOTIF#'
export const notificationSk = (createdAt: string, id: string) => `${NOTIF_PREFIX}${createdAt}#${id}`

/** Per-user markers: "recommended this film already", "alerted about this release already". */
export const RECOMMENDED_PREFIX = 'RECOMMENDED#'
export const ALERTED_PREFIX = 'ALERTED#'
/** "told this film is now streaming here already": apart from the release alert (a film may be both, once each). */
export const STREAMING_PREFIX = 'STREAMING#'
export const streamingSk = (movieId: number) => `${STREAMING_PREFIX}${movieId}`
export const recommendedSk = (movieId: number) => `${RECOMMENDED_PREFIX}${movieId}`
export const alertedSk = (movieId: number) => `${ALERTED_PREFIX}${movieId}`

/** USER#<id> / NOTIFICATIONS: the unread count, kept per expiry day (src/notifications/unread.ts). Outside the NOTIF# range. */
export const UNREAD_SUMMARY_SK = 'NOTIFICATIONS'
