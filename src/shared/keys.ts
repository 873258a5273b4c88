/**
 * The one key every feature shares: a user's partition (USER#<id>). Each feature spells its own
 * sort keys and item types in its own keys module (accounts/, watchlist/, reviews/, notifications/).
 */
export const USER_PREFIX = 'USER#'
export const userPk = (userId: string) => `${USER_PREFIX}${userId}`
