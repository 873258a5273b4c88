import type { Config } from '../../config'

/**
 * The site as browsers reach it, for a Node server in production: PUBLIC_URL's origin. A Node server usually sits
 * behind a proxy that terminates TLS (an ingress, a load balancer) and hears plain http, so the request URL
 * @hono/node-server builds says `http://…` while the browser's Origin says `https://…`: every form would fail the CSRF
 * check and every cookie-bearing fetch would look cross-site (the third audit's M6). PUBLIC_URL is required in
 * production and names the one origin the site answers for, so it is the origin here too; no forwarded header has to
 * be trusted for it. Any other Host is refused (audit I1: DNS rebinding against intranet installs, and page-memory keys
 * under made-up hosts), except on the health checks, which probes send with a pod's or task's own address as Host.
 */
export interface PublicSite {
  /** `https://flixpeek.example` (PUBLIC_URL's origin). */
  readonly origin: string
  /** `https:`: how a Host header is read (its default port). */
  readonly protocol: string
  /** `flixpeek.example` or `flixpeek.example:8443`: the only Host answered. */
  readonly host: string
}

/** Paths answered whatever the Host: the probes of deploy/kubernetes and the ECS target group, nothing per-site in them. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/livez'])

/** The site to hold requests to: in production, PUBLIC_URL's; in development every Host and the socket's scheme go. */
export function publicSite(config: Config): PublicSite | undefined {
  if (!config.isProduction || !config.publicUrl) return undefined
  const url = new URL(config.publicUrl)
  return { origin: url.origin, protocol: url.protocol, host: url.host }
}

/** A Host header's value, as a URL of the site's scheme reads it (lower case, default port dropped); undefined when it is no host. */
function normalisedHost(value: string, protocol: string): string | undefined {
  // Only a name or address and a port: no path, credentials or other characters a URL parser would quietly drop.
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(value)) return undefined
  try {
    return new URL(`${protocol}//${value}`).host
  } catch {
    return undefined
  }
}

/**
 * The request target to hand to @hono/node-server for a request line's target and Host header: the absolute URL on
 * the site's origin (so the app's request URL is the one the browser used), the target unchanged for a probe path,
 * or null when the request names another host (answer 421). An absolute-form target (`GET http://host/… HTTP/1.1`)
 * names its host itself, and Node's server would take it over Host, so it is judged by that.
 */
export function siteTarget(target: string, hostHeader: string | undefined, site: PublicSite): string | null {
  let host = hostHeader
  let path = target
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target)
      host = url.host
      path = url.pathname + url.search
    } catch {
      return null
    }
  }
  if (!path.startsWith('/')) return null
  if (PROBE_PATHS.has(path.split('?', 1)[0]!)) return target
  if (host === undefined || normalisedHost(host, site.protocol) !== site.host) return null
  return site.origin + path
}

/** The 421 answer: the contract's error body, with a request id like every answer of the app. */
export function misdirected(): { status: number; headers: Record<string, string>; body: string } {
  const id = crypto.randomUUID()
  const body = JSON.stringify({ error: { code: 'malformed_request', message: 'This server does not answer for that host.', request_id: id } })
  return {
    status: 421,
    headers: { 'Content-Type': 'application/json; charset=UTF-8', 'Cache-Control': 'no-store', 'X-Request-Id': id, 'Content-Length': String(Buffer.byteLength(body)) },
    body,
  }
}
