/**
 * Signed one-click unsubscribe links: `u` is the user id, `s` an HMAC-SHA256 of it under a key
 * derived (HKDF, its own label) from the JWT secret. No login needed, and a link only ever
 * unsubscribes the user it was made for.
 */
const encoder = new TextEncoder()
const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

const keys = new Map<string, Promise<CryptoKey>>()
function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    key = crypto.subtle
      .importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('flixpeek'), info: encoder.encode('digest-unsubscribe-v1') },
          base,
          { name: 'HMAC', hash: 'SHA-256', length: 256 },
          false,
          ['sign'],
        ),
      )
    keys.set(secret, key)
  }
  return key
}

export interface UnsubscribeSigner {
  sign(userId: string): Promise<string>
  verify(userId: string, signature: string): Promise<boolean>
}

export function unsubscribeSigner(secret: string): UnsubscribeSigner {
  const sign = async (userId: string) =>
    base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(secret), encoder.encode(`unsubscribe:${userId}`))).slice(0, 18))
  return {
    sign,
    async verify(userId, signature) {
      if (!userId || userId.length > 64 || !signature) return false
      const expected = await sign(userId)
      // Length-independent comparison of two short strings.
      let diff = expected.length ^ signature.length
      for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ (signature.charCodeAt(i) || 0)
      return diff === 0
    },
  }
}
