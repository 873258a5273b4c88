import { SignJWT, jwtVerify } from 'jose'

/** Session tokens live a week, like the session cookie. */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600

export interface SessionClaims {
  /** The user id. */
  sub: string
  /** The user's token version when the token was issued; bumping it revokes every older token. */
  tv: number
}

const encoder = new TextEncoder()

/**
 * The HMAC key of a secret, imported once per isolate (jose imports raw bytes on every call otherwise).
 * Secrets are few (one per deployment, a handful in tests), so the map stays tiny.
 */
const keys = new Map<string, Promise<CryptoKey>>()
function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    if (keys.size >= 8) keys.clear()
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    keys.set(secret, key)
  }
  return key
}

/**
 * Tokens already verified in this isolate, by secret and token (the same bytes under the same secret verify the same
 * way), until they expire: a signed-in visitor's every request otherwise re-verifies the same JWT. Bounded; the oldest
 * entry goes first. Revocation is unaffected: the caller still compares `tv` with the stored version.
 */
const verified = new Map<string, SessionClaims & { exp: number }>()
const MAX_VERIFIED = 2000

/** Issues an HS256 JWT with sub, tv, iat and exp (7 days). */
export async function issueToken(secret: string, claims: SessionClaims, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000)
  return new SignJWT({ tv: claims.tv })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(await keyFor(secret))
}

/**
 * The claims of a valid token, or null for anything else: malformed, expired,
 * wrongly signed, `alg: none` or any algorithm but HS256 (pinned), missing claims.
 * Revocation (tv against the user's current version) is the caller's check.
 */
export async function verifyToken(secret: string, token: string, now = Date.now()): Promise<SessionClaims | null> {
  const cacheKey = `${secret}\u0000${token}`
  const known = verified.get(cacheKey)
  if (known) {
    if (known.exp * 1000 > now) return { sub: known.sub, tv: known.tv }
    verified.delete(cacheKey)
    return null
  }
  try {
    const { payload } = await jwtVerify(token, await keyFor(secret), { algorithms: ['HS256'], requiredClaims: ['sub', 'exp', 'iat'], currentDate: new Date(now) })
    const tv = payload.tv
    if (typeof payload.sub !== 'string' || payload.sub === '' || typeof tv !== 'number' || !Number.isInteger(tv)) return null
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!)
    verified.set(cacheKey, { sub: payload.sub, tv, exp: payload.exp! })
    return { sub: payload.sub, tv }
  } catch {
    return null
  }
}
