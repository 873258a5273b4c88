import { InvalidCursor } from './errors'
import { seal, unseal } from './sealed'

/**
 * Opaque, HMAC-signed page cursors: `<base64url payload>.<base64url signature>`. The payload names
 * the list it belongs to (`kind` and `scope`, e.g. a film or a user), so a cursor of another list,
 * or one a client edited, is rejected (InvalidCursor → 422) instead of being handed to DynamoDB.
 * The key is derived from the app secret with a label of its own, so a cursor signature is never
 * usable as anything else (and the secret itself never signs cursors).
 */
export interface CursorCodec {
  encode(kind: string, scope: string, position: string): Promise<string>
  /** The position, or InvalidCursor when the cursor is malformed, tampered with, or of another list. */
  decode(kind: string, scope: string, cursor: string): Promise<string>
}

const encoder = new TextEncoder()
const KEY_LABEL = 'flixpeek page cursor v1'
const MAX_CURSOR_LENGTH = 1024

async function cursorKey(secret: string): Promise<CryptoKey> {
  const master = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const derived = await crypto.subtle.sign('HMAC', master, encoder.encode(KEY_LABEL))
  return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
}

// Per isolate: the key is derived once per secret, not once per request (services are built per request).
const keys = new Map<string, Promise<CryptoKey>>()

export function cursorCodec(secret: string): CursorCodec {
  const getKey = () => {
    let key = keys.get(secret)
    if (!key) keys.set(secret, (key = cursorKey(secret)))
    return key
  }
  return {
    async encode(kind, scope, position) {
      return seal(await getKey(), encoder.encode(JSON.stringify({ k: kind, s: scope, p: position })))
    },
    async decode(kind, scope, cursor) {
      const payload = await unseal(getKey(), cursor, MAX_CURSOR_LENGTH)
      if (!payload) throw new InvalidCursor()
      let parsed: unknown
      try {
        parsed = JSON.parse(new TextDecoder().decode(payload))
      } catch {
        throw new InvalidCursor()
      }
      const { k, s, p } = (parsed ?? {}) as Record<string, unknown>
      // Signed by us, but for another list (another film's reviews, another user's notifications).
      if (k !== kind || s !== scope || typeof p !== 'string') throw new InvalidCursor()
      return p
    },
  }
}
