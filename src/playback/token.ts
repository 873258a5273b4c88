/**
 * Media tokens: who may fetch a video's bytes, until when. Stateless (no data-store read per segment): an HMAC over
 * the video, the viewer and the expiry, keyed from JWT_SECRET under a label of its own, so a token can never pass for
 * a session or a transcoder signature. Possession is the authorisation, as with Cloudflare Stream's signed URLs: the
 * viewer is named for accounting, not checked against a session (a player's segment requests carry no cookie).
 *
 * The token is one URL path segment: `<payload>.<signature>`, both base64url, the payload `videoId:expires:viewer:nonce`
 * (the nonce: every call mints a token of its own, even two in the same second).
 */
import { VIDEO_ID } from '../media/keys'
import { hmacKey } from '../shared/hmac-key'
import { seal, toBase64Url, unseal } from '../shared/sealed'

export interface PlaybackClaims {
  videoId: string
  /** Who it was minted for: a user id, or `anonymous` when PLAYBACK=public lets visitors watch. */
  viewer: string
  /** Unix seconds. */
  expires: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const keyFor = (secret: string) => hmacKey('flixpeek playback token', secret)

/** A viewer id as it may appear in a token: the ids accounts mint, or `anonymous`. */
const VIEWER = /^[A-Za-z0-9_-]{1,64}$/
/** Tokens are short; anything longer is not one of ours (and is not worth an HMAC). */
const MAX_TOKEN_LENGTH = 200

export async function mintPlaybackToken(secret: string, claims: PlaybackClaims): Promise<string> {
  if (!VIDEO_ID.test(claims.videoId) || !VIEWER.test(claims.viewer) || !Number.isInteger(claims.expires)) throw new TypeError('not a token’s claims')
  const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(6)))
  return seal(await keyFor(secret), encoder.encode(`${claims.videoId}:${claims.expires}:${claims.viewer}:${nonce}`))
}

/** The token's claims when it is ours (src/shared/sealed.ts) and not expired at `now` (ms); null for anything else. */
export async function verifyPlaybackToken(secret: string, token: string, now = Date.now()): Promise<PlaybackClaims | null> {
  const payload = await unseal(keyFor(secret), token, MAX_TOKEN_LENGTH)
  if (!payload) return null
  const [videoId, expiresText, viewer, nonce, more] = decoder.decode(payload).split(':')
  const expires = Number(expiresText)
  if (more !== undefined || !videoId || !viewer || !nonce || !Number.isInteger(expires)) return null
  if (expires * 1000 <= now) return null
  return { videoId, viewer, expires }
}
