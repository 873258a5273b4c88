/**
 * Download tokens: which download's files a request may fetch. Unlike a playback token (src/playback/token.ts) it
 * holds no expiry: a download lives 30 days and is renewed, deleted or revoked with its video, so the record decides
 * (the media route reads it, src/downloads/grants.ts). The token only proves which record to read, for whom: an HMAC
 * keyed from JWT_SECRET under a label of its own, so it can never pass for a session, a playback token or a
 * transcoder signature.
 *
 * `<payload>.<signature>` (src/shared/sealed.ts), the payload `downloadId:userId:nonce:videoId`; the nonce is the
 * record's, so a new token for the same download (a new POST) retires the previous one. The video is named so a URL
 * naming another is refused before any read (no token holder can make the route read the store per request).
 */
import { hmacKey } from '../shared/hmac-key'
import { seal, toBase64Url, unseal } from '../shared/sealed'

export interface DownloadClaims {
  downloadId: string
  userId: string
  nonce: string
  /** The video whose files it opens. */
  videoId: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const keyFor = (secret: string) => hmacKey('flixpeek download token', secret)

/** Ids, user ids and nonces as they may appear in a token: nothing with the separator in it. */
const PART = /^[A-Za-z0-9_-]{1,64}$/
/** Tokens are short; anything longer is not one of ours (and is not worth an HMAC). */
const MAX_TOKEN_LENGTH = 250

/** A fresh nonce for a download record. */
export const newNonce = () => toBase64Url(crypto.getRandomValues(new Uint8Array(9)))

export async function mintDownloadToken(secret: string, claims: DownloadClaims): Promise<string> {
  if (![claims.downloadId, claims.userId, claims.nonce, claims.videoId].every((part) => PART.test(part))) throw new TypeError('not a download token’s claims')
  return seal(await keyFor(secret), encoder.encode(`${claims.downloadId}:${claims.userId}:${claims.nonce}:${claims.videoId}`))
}

/** The claims when the token is ours and unaltered; null for anything else. Whether the download still stands is the record's to say. */
export async function verifyDownloadToken(secret: string, token: string): Promise<DownloadClaims | null> {
  const payload = await unseal(keyFor(secret), token, MAX_TOKEN_LENGTH)
  if (!payload) return null
  const [downloadId, userId, nonce, videoId, more] = decoder.decode(payload).split(':')
  if (more !== undefined || !downloadId || !userId || !nonce || !videoId) return null
  return { downloadId, userId, nonce, videoId }
}
