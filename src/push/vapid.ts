/**
 * RFC 8292 VAPID: each push request carries `Authorization: vapid t=<JWT>, k=<public key>`, the JWT
 * signed ES256 with the application server's key, `aud` the push service's origin, `exp` at most
 * 24 hours ahead, `sub` a contact (mailto: or https:). jose signs; tokens are reused per origin for a while.
 */
import { importJWK, SignJWT, type CryptoKey as JoseKey } from 'jose'
import { fromBase64Url, toBase64Url } from './bytes'

export interface VapidKeys {
  /** Uncompressed P-256 public key, base64url (65 bytes): what browsers take as applicationServerKey. */
  publicKey: string
  /** The private scalar d, base64url (32 bytes). */
  privateKey: string
  subject: string
}

/** Tokens live 12 hours and are renewed after 6 (well inside the 24-hour limit, whatever the clock skew). */
const TOKEN_SECONDS = 12 * 3600
const RENEW_AFTER_SECONDS = 6 * 3600
/**
 * Tokens kept per signer (one per push-service origin). Users' browsers reach a handful of origins, but endpoints are
 * whatever a client PUTs (within the allowed hosts): the cache lives as long as the isolate, so it is bounded and the
 * least recently used origin goes first (the third audit's I6). A dropped origin only costs one signature.
 */
export const MAX_CACHED_TOKENS = 64

export interface VapidSigner {
  /** The Authorization header value for a push to `endpoint`. */
  authorization(endpoint: string): Promise<string>
}

/** The private key as a JWK (x and y come from the public key). Throws when the keys are malformed. */
export function vapidJwk(keys: Pick<VapidKeys, 'publicKey' | 'privateKey'>) {
  const point = fromBase64Url(keys.publicKey)
  const d = fromBase64Url(keys.privateKey)
  if (point.length !== 65 || point[0] !== 4 || d.length !== 32) throw new Error('VAPID keys must be a P-256 key pair (65-byte public point, 32-byte private key)')
  return { kty: 'EC', crv: 'P-256', x: toBase64Url(point.slice(1, 33)), y: toBase64Url(point.slice(33)), d: toBase64Url(d) }
}

export function vapidSigner(keys: VapidKeys, now: () => number = Date.now): VapidSigner {
  let key: Promise<JoseKey | Uint8Array> | undefined
  const tokens = new Map<string, { token: string; issuedAt: number }>()
  return {
    async authorization(endpoint) {
      const audience = new URL(endpoint).origin
      const seconds = Math.floor(now() / 1000)
      let cached = tokens.get(audience)
      if (!cached || seconds - cached.issuedAt > RENEW_AFTER_SECONDS) {
        key ??= importJWK(vapidJwk(keys), 'ES256')
        const token = await new SignJWT({ sub: keys.subject })
          .setProtectedHeader({ typ: 'JWT', alg: 'ES256' })
          .setAudience(audience)
          .setExpirationTime(seconds + TOKEN_SECONDS)
          .sign(await key)
        cached = { token, issuedAt: seconds }
      }
      // Re-inserted on every use: a Map iterates in insertion order, so its first key is the least recently used.
      tokens.delete(audience)
      tokens.set(audience, cached)
      while (tokens.size > MAX_CACHED_TOKENS) tokens.delete(tokens.keys().next().value!)
      return `vapid t=${cached.token}, k=${keys.publicKey}`
    },
  }
}

const signers = new Map<string, VapidSigner>()
/** One signer per key pair and isolate: its tokens are reused across requests and cron runs. */
export function vapidSignerFor(keys: VapidKeys): VapidSigner {
  const id = `${keys.publicKey}|${keys.subject}`
  let signer = signers.get(id)
  if (!signer) signers.set(id, (signer = vapidSigner(keys)))
  return signer
}
