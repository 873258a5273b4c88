/**
 * The library's items, all in one partition (an operator's library holds hundreds of videos, not millions:
 * one Query lists it; the ready-video map reads it every 30 s per isolate):
 *   VIDEOS / VIDEO#<id>          a video (status, parts, outputs, who uploaded it)
 *   VIDEOS / UPLOADER#<userId>   how many uploads an operator has under way (the cap, kept in the same transactions)
 */
export const LIBRARY_PK = 'VIDEOS'
export const VIDEO_SK_PREFIX = 'VIDEO#'

export const videoKey = (videoId: string) => ({ pk: LIBRARY_PK, sk: `${VIDEO_SK_PREFIX}${videoId}` })
export const uploaderKey = (userId: string) => ({ pk: LIBRARY_PK, sk: `UPLOADER#${userId}` })

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A new video id: 10 characters of time (milliseconds) then 16 random ones, Crockford base32 (a ULID's shape). */
export function newVideoId(now = Date.now()): string {
  let time = ''
  for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time
  const random = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => CROCKFORD[byte % 32]).join('')
  return time + random
}
