/**
 * `<base64url payload>.<base64url HMAC-SHA256>`: a payload carried by the client and proven ours on its way back
 * (page cursors, media tokens). Each use brings its own key, derived under a label of its own.
 */

export function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4))
    // An indexed loop: Uint8Array.from(string, fn) walks the string's iterator, a tenth of a hit's CPU on the media
    // route (`npm run bench:media`, which checks a token per segment).
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return bytes
  } catch {
    return undefined
  }
}

export async function seal(key: CryptoKey, payload: Uint8Array): Promise<string> {
  const bytes = new Uint8Array(payload)
  return `${toBase64Url(bytes)}.${toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes)))}`
}

/**
 * The payload when `sealed` is one of `key`'s, unaltered; undefined for anything else (malformed, truncated, forged,
 * longer than `maxLength`, not worth an HMAC). WebCrypto's verify compares the signature in constant time.
 */
export async function unseal(key: CryptoKey | Promise<CryptoKey>, sealed: string, maxLength: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const [payloadText, signatureText, extra] = sealed.length <= maxLength ? sealed.split('.') : []
  const payload = payloadText === undefined ? undefined : fromBase64Url(payloadText)
  const signature = signatureText === undefined ? undefined : fromBase64Url(signatureText)
  if (!payload || !signature || extra !== undefined) return undefined
  return (await crypto.subtle.verify('HMAC', await key, signature, payload)) ? payload : undefined
}
