/**
 * The viewer's country on Workers: `request.cf.country`, but only when Cloudflare's edge made `cf`. The edge stamps
 * every request with CF-Ray (a client cannot set it there); under `wrangler dev` `cf` is Miniflare's placeholder
 * (always Austin, US) or the developer's own location, and there is no CF-Ray, so the port says nothing.
 */
export function cfCountry(request: Request): string | undefined {
  if (!request.headers.has('CF-Ray')) return undefined
  const country = (request as { cf?: { country?: unknown } }).cf?.country
  return typeof country === 'string' ? country : undefined
}
