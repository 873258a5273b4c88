/**
 * The transcoder's requests to the internal media routes carry an HMAC (MEDIA_WRITE_SECRET, a secret of its own)
 * over method, path, video id and expiry: a leaked signature is good for one object, for at most 15 minutes.
 */
import { hmacKey } from '../shared/hmac-key'

export const MEDIA_SIGNATURE_MAX_SECONDS = 15 * 60
export const EXPIRES_HEADER = 'X-Media-Expires'
export const SIGNATURE_HEADER = 'X-Media-Signature'

const encoder = new TextEncoder()
const keyFor = (secret: string) => hmacKey('flixpeek media write', secret)

const message = (method: string, path: string, videoId: string, expires: number) => encoder.encode(`${method.toUpperCase()}\n${path}\n${videoId}\n${expires}`)
const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('')

/** The two headers a signed request carries (`expires` in Unix seconds). */
export async function signMediaRequest(secret: string, method: string, path: string, videoId: string, expires: number): Promise<Record<string, string>> {
  const signature = hex(await crypto.subtle.sign('HMAC', await keyFor(secret), message(method, path, videoId, expires)))
  return { [EXPIRES_HEADER]: String(expires), [SIGNATURE_HEADER]: signature }
}

/** True when the headers sign this request, are not expired and expire at most 15 minutes from `now`. */
export async function verifyMediaRequest(
  secret: string,
  request: { method: string; path: string; videoId: string; expires: string | undefined; signature: string | undefined },
  now = Date.now(),
): Promise<boolean> {
  const expires = Number(request.expires)
  const seconds = Math.floor(now / 1000)
  if (!Number.isInteger(expires) || expires < seconds || expires > seconds + MEDIA_SIGNATURE_MAX_SECONDS) return false
  if (!request.signature || !/^[0-9a-f]{64}$/.test(request.signature)) return false
  const bytes = new Uint8Array(request.signature.match(/../g)!.map((pair) => parseInt(pair, 16)))
  // verify() compares in constant time.
  return crypto.subtle.verify('HMAC', await keyFor(secret), bytes, message(request.method, request.path, request.videoId, expires))
}
