/**
 * RFC 8291 message encryption for Web Push, `aes128gcm` content coding (RFC 8188), with WebCrypto
 * only (workerd and Node share it). One record: the header carries the salt, the record size and
 * the application server's ephemeral public key; the push service never sees the plaintext.
 */
import { concat, utf8 } from './bytes'

/** What the browser's PushSubscription gives us (its `keys`), decoded. */
export interface ClientKeys {
  /** The user agent's P-256 public key, uncompressed (65 bytes). */
  p256dh: Uint8Array
  /** The 16-byte authentication secret. */
  auth: Uint8Array
}

const RECORD_SIZE = 4096
/** Tag (16) + the delimiter byte (1): a record's plaintext is at most RECORD_SIZE - 17 bytes. */
export const MAX_PLAINTEXT = RECORD_SIZE - 17

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const

/** A subscription whose keys cannot be used (a p256dh off the curve, a wrong-sized auth): no retry will ever send to it. */
export class InvalidClientKey extends Error {
  override name = 'InvalidClientKey'
}

/**
 * The browser's key as WebCrypto's ECDH public key, or null when it is not an uncompressed point on P-256. importKey
 * does the curve check itself (Node 20 and workerd both reject a point off the curve with a DataError), so a
 * subscription is checked by the very operation every send performs.
 */
export async function importClientKey(p256dh: Uint8Array): Promise<CryptoKey | null> {
  if (p256dh.length !== 65 || p256dh[0] !== 4) return null
  try {
    return await crypto.subtle.importKey('raw', p256dh, ECDH, false, [])
  } catch {
    return null
  }
}

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits'])
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8))
}

/** The content-encryption key and nonce both sides derive (RFC 8291 §3.3–3.4, RFC 8188 §2.2–2.3). */
export async function deriveContentKeys(
  ecdhSecret: Uint8Array,
  auth: Uint8Array,
  uaPublic: Uint8Array,
  asPublic: Uint8Array,
  salt: Uint8Array,
): Promise<{ cek: Uint8Array; nonce: Uint8Array }> {
  const keyInfo = concat(utf8('WebPush: info\0'), uaPublic, asPublic)
  const ikm = await hkdf(auth, ecdhSecret, keyInfo, 32)
  const [cek, nonce] = await Promise.all([
    hkdf(salt, ikm, utf8('Content-Encoding: aes128gcm\0'), 16),
    hkdf(salt, ikm, utf8('Content-Encoding: nonce\0'), 12),
  ])
  return { cek, nonce }
}

/** The request body for a push message: header (salt, rs, keyid = our ephemeral public key) and one record. */
export async function encryptPayload(plaintext: Uint8Array, client: ClientKeys): Promise<Uint8Array> {
  if (plaintext.length > MAX_PLAINTEXT) throw new Error('push payload too large')
  const theirs = await importClientKey(client.p256dh)
  if (!theirs || client.auth.length !== 16) throw new InvalidClientKey('push: the subscription\'s keys are not a P-256 point and a 16-byte secret')
  const ours = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair
  const asPublic = new Uint8Array((await crypto.subtle.exportKey('raw', ours.publicKey)) as ArrayBuffer)
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: theirs } as unknown as SubtleCryptoDeriveKeyAlgorithm, ours.privateKey, 256))
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const { cek, nonce } = await deriveContentKeys(ecdhSecret, client.auth, client.p256dh, asPublic, salt)
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt'])
  // 0x02 marks the last (only) record; no padding.
  const record = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, key, concat(plaintext, new Uint8Array([2]))))
  const header = new Uint8Array(21)
  header.set(salt, 0)
  new DataView(header.buffer).setUint32(16, RECORD_SIZE)
  header[20] = asPublic.length
  return concat(header, asPublic, record)
}
