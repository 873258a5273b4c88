import type { Context } from 'hono'

/** This site's origin, as the request reached the worker. */
export const siteOrigin = (c: Context) => new URL(c.req.url).origin

/** The request's Origin header names another origin (`null` counts as another). */
export function foreignOrigin(c: Context): boolean {
  const origin = c.req.header('Origin')
  return origin !== undefined && origin !== siteOrigin(c)
}

/** The client for rate limits: CF-Connecting-IP (set by Cloudflare's edge), else the peer address when the runtime exposes one. */
export function clientAddress(c: Context): string {
  return c.req.header('CF-Connecting-IP')?.trim() || c.req.header('X-Real-IP')?.trim() || 'unknown-peer'
}
