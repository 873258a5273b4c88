import { ARGON2_PARAMS, argon2id, type Argon2Params } from './argon2'

/**
 * Password hashing within what Workers allow (numbers and reasoning: docs/passwords.md).
 * The password is first peppered, HMAC-SHA256(pepper, password), then hashed with a
 * 16-byte per-user salt. Stored as versioned strings so parameters can be raised later;
 * verify reports when a rehash is due (done on the next successful login):
 *
 *   argon2id$v1$m=19456,t=2,p=1$<salt b64>$<hash b64>     current: Argon2id (.wasm module)
 *   pbkdf2-sha256$v1$100000$<salt b64>$<hash b64>          fallback: WebCrypto PBKDF2 at the Workers cap
 *
 * v1 / v2 = peppered with HMAC-SHA256 before the key derivation, v1 with the JWT_SECRET-derived
 * pepper (or an early PASSWORD_PEPPER), v2 with PASSWORD_PEPPER (see Pepper below).
 */
export type Scheme = 'argon2id' | 'pbkdf2-sha256'
export const CURRENT_SCHEME: Scheme = 'argon2id'
/** WebCrypto's PBKDF2 cap on Cloudflare's runtime. */
export const PBKDF2_ITERATIONS = 100_000
const SALT_BYTES = 16
const HASH_BYTES = 32

const encoder = new TextEncoder()

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function fromBase64(text: string | undefined): Uint8Array | null {
  if (!text) return null
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0))
  } catch {
    return null
  }
}

/** Compares in time that depends only on the length, not on where the bytes differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/**
 * The pepper keys. `v2` hashes are peppered with PASSWORD_PEPPER (required in production). `v1`
 * hashes were peppered with a key derived from JWT_SECRET (HKDF-SHA256, a distinct label, so never
 * the signing key itself), or with PASSWORD_PEPPER where it was already set: with PASSWORD_PEPPER
 * configured a v1 hash verifies with either, and is rehashed as v2 at the next successful login.
 */
export interface Pepper {
  /** The key new hashes are peppered with, and the format version it writes. */
  key: CryptoKey
  version: 'v1' | 'v2'
  /** Keys a stored v1 hash may have been peppered with (tried in order). */
  v1Keys: CryptoKey[]
}

const hmacKey = (raw: Uint8Array) => crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])

async function derivedPepper(jwtSecret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(jwtSecret), 'HKDF', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('flixpeek'), info: encoder.encode('password-pepper-v1') },
    base,
    256,
  )
  return hmacKey(new Uint8Array(bits))
}

export async function pepperKey(secrets: { PASSWORD_PEPPER?: string | undefined; jwtSecret: string }): Promise<Pepper> {
  const derived = await derivedPepper(secrets.jwtSecret)
  if (!secrets.PASSWORD_PEPPER) return { key: derived, version: 'v1', v1Keys: [derived] }
  const explicit = await hmacKey(encoder.encode(secrets.PASSWORD_PEPPER))
  return { key: explicit, version: 'v2', v1Keys: [explicit, derived] }
}

const pepper = async (key: CryptoKey, password: string) => new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(password)))

async function pbkdf2(peppered: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey('raw', peppered, 'PBKDF2', false, ['deriveBits'])
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, HASH_BYTES * 8))
}

const argon2 = (peppered: Uint8Array, salt: Uint8Array, params: Argon2Params) => argon2id(toBase64(peppered), salt, params)

const formatArgon2 = (p: Argon2Params) => `m=${p.memoryKiB},t=${p.passes},p=${p.lanes}`
function parseArgon2(text: string | undefined): Argon2Params | null {
  const match = /^m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})$/.exec(text ?? '')
  if (!match) return null
  const params = { memoryKiB: Number(match[1]), passes: Number(match[2]), lanes: Number(match[3]) }
  // Bounded so a corrupt stored string cannot ask for more memory or time than a worker has.
  const sane = params.lanes >= 1 && params.memoryKiB >= 8 * params.lanes && params.memoryKiB <= 65_536 && params.passes >= 1
  return sane ? params : null
}

/** A fresh salted, peppered hash string for storage. */
export async function hashPassword(pepperKeys: Pepper, password: string, scheme: Scheme = CURRENT_SCHEME): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
  const peppered = await pepper(pepperKeys.key, password)
  if (scheme === 'pbkdf2-sha256') {
    const hash = await pbkdf2(peppered, salt, PBKDF2_ITERATIONS)
    return [scheme, pepperKeys.version, String(PBKDF2_ITERATIONS), toBase64(salt), toBase64(hash)].join('$')
  }
  const hash = await argon2(peppered, salt, ARGON2_PARAMS)
  return [scheme, pepperKeys.version, formatArgon2(ARGON2_PARAMS), toBase64(salt), toBase64(hash)].join('$')
}

export interface VerifyResult {
  ok: boolean
  /** The stored hash uses another scheme or weaker parameters: store a fresh hash now that the password is known. */
  needsRehash: boolean
}

const weaker = (p: Argon2Params) =>
  p.memoryKiB < ARGON2_PARAMS.memoryKiB || p.passes < ARGON2_PARAMS.passes || p.lanes < ARGON2_PARAMS.lanes

/** The keys a stored hash of this format version may have been peppered with. */
const keysFor = (pepperKeys: Pepper, version: string | undefined): CryptoKey[] =>
  version === 'v2' ? (pepperKeys.version === 'v2' ? [pepperKeys.key] : []) : version === 'v1' ? pepperKeys.v1Keys : []

/** Checks a password against a stored hash string; an unreadable hash never matches (after the same work). */
export async function verifyPassword(pepperKeys: Pepper, password: string, stored: string): Promise<VerifyResult> {
  const [scheme, version, params, saltText, hashText] = stored.split('$')
  const salt = fromBase64(saltText)
  const expected = fromBase64(hashText)
  const keys = keysFor(pepperKeys, version)
  const otherPepper = version !== pepperKeys.version
  if (keys.length > 0 && salt && expected) {
    if (scheme === 'argon2id') {
      const argon = parseArgon2(params)
      if (argon) {
        let ok = false
        for (const key of keys) if (!ok) ok = constantTimeEqual(await argon2(await pepper(key, password), salt, argon), expected)
        return { ok, needsRehash: ok && (otherPepper || CURRENT_SCHEME !== 'argon2id' || weaker(argon)) }
      }
    } else if (scheme === 'pbkdf2-sha256') {
      const iterations = Number(params)
      if (Number.isInteger(iterations) && iterations >= 1 && iterations <= PBKDF2_ITERATIONS) {
        let ok = false
        for (const key of keys) if (!ok) ok = constantTimeEqual(await pbkdf2(await pepper(key, password), salt, iterations), expected)
        return { ok, needsRehash: ok && (otherPepper || CURRENT_SCHEME !== 'pbkdf2-sha256' || iterations < PBKDF2_ITERATIONS) }
      }
    }
  }
  await burnTime(pepperKeys, password)
  return { ok: false, needsRehash: false }
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES)

/** Does the work of one verification with the current scheme, so an unknown email takes as long as a wrong password. */
export async function burnTime(pepperKeys: Pepper, password: string): Promise<void> {
  const peppered = await pepper(pepperKeys.key, password)
  if (CURRENT_SCHEME === 'argon2id') await argon2(peppered, DUMMY_SALT, ARGON2_PARAMS)
  else await pbkdf2(peppered, DUMMY_SALT, PBKDF2_ITERATIONS)
}
