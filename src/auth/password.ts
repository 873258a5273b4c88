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
 * v1 = peppered with HMAC-SHA256 before the key derivation.
 */
export type Scheme = 'argon2id' | 'pbkdf2-sha256'
export const CURRENT_SCHEME: Scheme = 'argon2id'
/** WebCrypto's PBKDF2 cap on Cloudflare's runtime. */
export const PBKDF2_ITERATIONS = 100_000
const VERSION = 'v1'
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
 * The pepper key: PASSWORD_PEPPER when configured, else derived from JWT_SECRET with
 * HKDF-SHA256 (a distinct info label, so the pepper is never the signing key itself).
 */
export async function pepperKey(secrets: { PASSWORD_PEPPER?: string | undefined; jwtSecret: string }): Promise<CryptoKey> {
  let raw: Uint8Array
  if (secrets.PASSWORD_PEPPER) {
    raw = encoder.encode(secrets.PASSWORD_PEPPER)
  } else {
    const base = await crypto.subtle.importKey('raw', encoder.encode(secrets.jwtSecret), 'HKDF', false, ['deriveBits'])
    const bits = await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('flixpeek'), info: encoder.encode('password-pepper-v1') },
      base,
      256,
    )
    raw = new Uint8Array(bits)
  }
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
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
export async function hashPassword(key: CryptoKey, password: string, scheme: Scheme = CURRENT_SCHEME): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
  const peppered = await pepper(key, password)
  if (scheme === 'pbkdf2-sha256') {
    const hash = await pbkdf2(peppered, salt, PBKDF2_ITERATIONS)
    return [scheme, VERSION, String(PBKDF2_ITERATIONS), toBase64(salt), toBase64(hash)].join('$')
  }
  const hash = await argon2(peppered, salt, ARGON2_PARAMS)
  return [scheme, VERSION, formatArgon2(ARGON2_PARAMS), toBase64(salt), toBase64(hash)].join('$')
}

export interface VerifyResult {
  ok: boolean
  /** The stored hash uses another scheme or weaker parameters: store a fresh hash now that the password is known. */
  needsRehash: boolean
}

const weaker = (p: Argon2Params) =>
  p.memoryKiB < ARGON2_PARAMS.memoryKiB || p.passes < ARGON2_PARAMS.passes || p.lanes < ARGON2_PARAMS.lanes

/** Checks a password against a stored hash string; an unreadable hash never matches (after the same work). */
export async function verifyPassword(key: CryptoKey, password: string, stored: string): Promise<VerifyResult> {
  const [scheme, version, params, saltText, hashText] = stored.split('$')
  const salt = fromBase64(saltText)
  const expected = fromBase64(hashText)
  const peppered = await pepper(key, password)
  if (version === VERSION && salt && expected) {
    if (scheme === 'argon2id') {
      const argon = parseArgon2(params)
      if (argon) {
        const ok = constantTimeEqual(await argon2(peppered, salt, argon), expected)
        return { ok, needsRehash: ok && (CURRENT_SCHEME !== 'argon2id' || weaker(argon)) }
      }
    } else if (scheme === 'pbkdf2-sha256') {
      const iterations = Number(params)
      if (Number.isInteger(iterations) && iterations >= 1 && iterations <= PBKDF2_ITERATIONS) {
        const ok = constantTimeEqual(await pbkdf2(peppered, salt, iterations), expected)
        return { ok, needsRehash: ok && (CURRENT_SCHEME !== 'pbkdf2-sha256' || iterations < PBKDF2_ITERATIONS) }
      }
    }
  }
  await burnTime(key, password)
  return { ok: false, needsRehash: false }
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES)

/** Does the work of one verification with the current scheme, so an unknown email takes as long as a wrong password. */
export async function burnTime(key: CryptoKey, password: string): Promise<void> {
  const peppered = await pepper(key, password)
  if (CURRENT_SCHEME === 'argon2id') await argon2(peppered, DUMMY_SALT, ARGON2_PARAMS)
  else await pbkdf2(peppered, DUMMY_SALT, PBKDF2_ITERATIONS)
}
