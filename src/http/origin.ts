import type { Context } from 'hono'
import { clientKey } from './client-key'

/** This site's origin, as the request reached the worker. */
export const siteOrigin = (c: Context) => new URL(c.req.url).origin

/** The request's Origin header names another origin (`null` counts as another). */
export function foreignOrigin(c: Context): boolean {
  const origin = c.req.header('Origin')
  return origin !== undefined && origin !== siteOrigin(c)
}

/**
 * The client for rate limits: CF-Connecting-IP, which Cloudflare's edge always sets (and a client
 * cannot override there), IPv6 by its /64 (see client-key.ts). Workers do not expose the peer
 * address, so without it (only off Cloudflare, e.g. a bare workerd) every caller shares one bucket
 * rather than trusting a header.
 */
export function clientAddress(c: Context): string {
  const address = c.req.header('CF-Connecting-IP')?.trim()
  return address ? clientKey(address) : 'unknown-peer'
}
