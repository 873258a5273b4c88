const encoder = new TextEncoder()
const keys = new Map<string, Promise<CryptoKey>>()

/**
 * An HMAC-SHA256 key made from `secret` under `label` (its material is `label\nsecret`), imported once per isolate:
 * the label keeps one secret's uses apart (a media token can never pass for a transcoder's signature).
 */
export function hmacKey(label: string, secret: string): Promise<CryptoKey> {
  const material = `${label}\n${secret}`
  let key = keys.get(material)
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(material), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    keys.set(material, key)
  }
  return key
}
