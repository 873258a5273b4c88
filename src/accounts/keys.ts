/** Key layout of account items in the single table (see infra/resources.ts). */
export const userPk = (userId: string) => `USER#${userId}`
export const PROFILE_SK = 'PROFILE'
export const profileKey = (userId: string) => ({ pk: userPk(userId), sk: PROFILE_SK })
export const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' })
export const movieAggKey = (movieId: number | string) => ({ pk: `MOVIE#${movieId}`, sk: 'AGG' })
