/**
 * Password hashing within what Workers allow (see docs/passwords.md for the numbers):
 * HMAC-SHA256 with a secret pepper, then PBKDF2-SHA256 at WebCrypto's cap in workerd
 * (100,000 iterations), 16-byte per-user salt, 32-byte output. Stored as a versioned
 * string so parameters can be raised later; verify reports when a rehash is due.
 *
 *   pbkdf2-sha256$v1$<iterations>$<salt base64>$<hash base64>
 *
 * v1 = the password is peppered (HMAC-SHA256(pepper, password)) before PBKDF2.
 */
export const PBKDF2_ITERATIONS = 100_000
const SCHEME = 'pbkdf2-sha256'
const VERSION = 'v1'
const SALT_BYTES = 16
const HASH_BYTES = 32

const encoder = new TextEncoder()

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array | null {
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

async function derive(pepper: CryptoKey, password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const peppered = await crypto.subtle.sign('HMAC', pepper, encoder.encode(password))
  const base = await crypto.subtle.importKey('raw', peppered, 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, HASH_BYTES * 8)
  return new Uint8Array(bits)
}

/** A fresh salted, peppered hash string for storage. */
export async function hashPassword(pepper: CryptoKey, password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
  const hash = await derive(pepper, password, salt, iterations)
  return [SCHEME, VERSION, String(iterations), toBase64(salt), toBase64(hash)].join('$')
}

export interface VerifyResult {
  ok: boolean
  /** The stored hash uses older parameters: store a fresh hash now that the password is known. */
  needsRehash: boolean
}

/** Checks a password against a stored hash string; an unreadable hash never matches. */
export async function verifyPassword(pepper: CryptoKey, password: string, stored: string): Promise<VerifyResult> {
  const [scheme, version, iterText, saltText, hashText] = stored.split('$')
  const iterations = Number(iterText)
  const salt = saltText === undefined ? null : fromBase64(saltText)
  const expected = hashText === undefined ? null : fromBase64(hashText)
  if (scheme !== SCHEME || version !== VERSION || !Number.isInteger(iterations) || iterations < 1 || !salt || !expected) {
    await burnTime(pepper, password)
    return { ok: false, needsRehash: false }
  }
  const actual = await derive(pepper, password, salt, Math.min(iterations, PBKDF2_ITERATIONS))
  const ok = constantTimeEqual(actual, expected)
  return { ok, needsRehash: ok && iterations < PBKDF2_ITERATIONS }
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES)

/** Does the work of one verification, so an unknown email takes as long as a wrong password. */
export async function burnTime(pepper: CryptoKey, password: string): Promise<void> {
  await derive(pepper, password, DUMMY_SALT, PBKDF2_ITERATIONS)
}
