import { userPk } from '../shared/keys'

/** USER#<id> / PROFILE, and the EMAIL#<email> marker that makes emails unique. */
export const PROFILE_SK = 'PROFILE'
export const profileKey = (userId: string) => ({ pk: userPk(userId), sk: PROFILE_SK })
export const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' })
