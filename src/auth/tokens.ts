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
const keyFor = (secret: string) => encoder.encode(secret)

/** Issues an HS256 JWT with sub, tv, iat and exp (7 days). */
export async function issueToken(secret: string, claims: SessionClaims, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000)
  return new SignJWT({ tv: claims.tv })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(keyFor(secret))
}

/**
 * The claims of a valid token, or null for anything else: malformed, expired,
 * wrongly signed, `alg: none` or any algorithm but HS256 (pinned), missing claims.
 * Revocation (tv against the user's current version) is the caller's check.
 */
export async function verifyToken(secret: string, token: string): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, keyFor(secret), { algorithms: ['HS256'], requiredClaims: ['sub', 'exp', 'iat'] })
    const tv = payload.tv
    if (typeof payload.sub !== 'string' || payload.sub === '' || typeof tv !== 'number' || !Number.isInteger(tv)) return null
    return { sub: payload.sub, tv }
  } catch {
    return null
  }
}
