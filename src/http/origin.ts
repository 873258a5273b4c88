import type { Context } from 'hono'
import type { AppEnv } from '../context'
import { clientKey } from './client-key'

/**
 * This site's origin, from the request URL: on Workers the one the browser used; on Node in production PUBLIC_URL's
 * (src/main/node/public-site.ts re-bases the URL on it), not the plain http a TLS-terminating proxy speaks to Node.
 */
export const siteOrigin = (c: Context) => new URL(c.req.url).origin

/** The request's Origin header names another origin (`null` counts as another). */
export function foreignOrigin(c: Context): boolean {
  const origin = c.req.header('Origin')
  return origin !== undefined && origin !== siteOrigin(c)
}

/**
 * The client for rate limits, as the runtime knows it (the platform port: CF-Connecting-IP on
 * Workers), IPv6 by its /64 (see client-key.ts). When the runtime cannot tell (a bare workerd),
 * every caller shares one bucket rather than trusting a header.
 */
export function clientAddress(c: Context<AppEnv>): string {
  const address = c.env.platform.clientAddress(c.req.raw)?.trim()
  return address ? clientKey(address) : 'unknown-peer'
}
