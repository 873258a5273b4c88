import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context'

/**
 * `X-Viewer` on every response after the session read (src/app.ts, stage 3: pages, fragments, the API): an HMAC of
 * the signed-in user's id, or `anonymous`. Public bytes served earlier (artwork, health) carry none: the service
 * worker takes a missing value for `anonymous`.
 * The service worker (public/assets/sw-core.js) keeps private page copies per viewer and drops them
 * when the value changes (logout, another account, a session revoked elsewhere), without ever
 * learning the user id. The key is derived from the app secret with a label of its own, so the
 * value is useless as anything else and stable for one user across sessions.
 */
export const VIEWER_HEADER = 'X-Viewer'
export const ANONYMOUS_VIEWER = 'anonymous'

const encoder = new TextEncoder()
const KEY_LABEL = 'flixpeek viewer id v1'
const keys = new Map<string, Promise<CryptoKey>>()

function viewerKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    key = (async () => {
      const master = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const derived = await crypto.subtle.sign('HMAC', master, encoder.encode(KEY_LABEL))
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    })()
    keys.set(secret, key)
  }
  return key
}

/** Recent users' values (the same every request of theirs), so a signed-in request signs nothing; bounded, oldest out. */
const known = new Map<string, Promise<string>>()
const MAX_KNOWN = 2000

/** 22 base64url characters (128 bits) of HMAC-SHA-256(derived key, user id). */
export function viewerId(secret: string, userId: string): Promise<string> {
  const id = `${secret}\u0000${userId}`
  let value = known.get(id)
  if (!value) {
    if (known.size >= MAX_KNOWN) known.delete(known.keys().next().value!)
    value = computeViewerId(secret, userId)
    value.catch(() => known.delete(id))
    known.set(id, value)
  }
  return value
}

async function computeViewerId(secret: string, userId: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await viewerKey(secret), encoder.encode(userId)))
  let binary = ''
  for (const byte of mac.subarray(0, 16)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Sets X-Viewer after the handler ran (so a route that renders anonymously, like /offline, says so). */
export const viewerHeader = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next()
  const user = c.get('user')
  const value = user ? await viewerId(c.get('config').jwtSecret, user.id) : ANONYMOUS_VIEWER
  try {
    c.res.headers.set(VIEWER_HEADER, value)
  } catch {
    // A response with immutable headers (passed through from a fetch): copy it once.
    c.res = new Response(c.res.body, c.res)
    c.res.headers.set(VIEWER_HEADER, value)
  }
}
