/**
 * Which Web Push endpoints the server will POST to (the third audit's M5: an endpoint is a URL the browser hands us,
 * and a server that POSTs anywhere is an SSRF relay into its own network). The browsers' push services over https on
 * 443, and the hosts an operator lists in PUSH_ALLOWED_HOSTS (a self-hosted push service, the tests' fake one):
 * nothing else, so IP literals, private, loopback and link-local addresses, single-label and cluster-internal names
 * and other ports are refused without a list of them to keep up to date.
 */

/** The push services of Chrome/Edge/Opera (FCM), Firefox (autopush), Safari (APNs' web push) and Windows (WNS). */
const PUSH_SERVICES = [/^fcm\.googleapis\.com$/, /^(?:[a-z0-9-]+\.)*push\.services\.mozilla\.com$/, /^(?:[a-z0-9-]+\.)*push\.apple\.com$/, /^(?:[a-z0-9-]+\.)*notify\.windows\.com$/]

/** A listed host: a name or an IP address as URL.hostname writes it (`[::1]` for IPv6), and its port when given. */
export interface AllowedHost {
  host: string
  port?: number
}

/** `push.example.com, 10.0.0.5:8443, [fd00::1]:9000` → the hosts; null when an entry is not a host with an optional port. */
export function parseAllowedHosts(raw: string | undefined): AllowedHost[] | null {
  const entries = (raw ?? '').split(',').map((entry) => entry.trim()).filter(Boolean)
  const hosts: AllowedHost[] = []
  for (const entry of entries) {
    let url: URL
    try {
      url = new URL(`https://${entry}`)
    } catch {
      return null
    }
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || !url.hostname) return null
    // URL drops :443 for https: a listed `host:443` keeps its port.
    const port = url.port ? Number(url.port) : /:443$/.test(entry) ? 443 : undefined
    hosts.push(port === undefined ? { host: url.hostname } : { host: url.hostname, port })
  }
  return hosts
}

/** Whether the server may deliver to `endpoint`: a browser push service (https, 443), or a listed host (http only in development). */
export function pushEndpointAllowed(endpoint: string, allowed: readonly AllowedHost[], development: boolean): boolean {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return false
  }
  if (url.username || url.password) return false
  const host = url.hostname.toLowerCase()
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  if (allowed.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port))) {
    return url.protocol === 'https:' || (url.protocol === 'http:' && development)
  }
  return url.protocol === 'https:' && port === 443 && PUSH_SERVICES.some((service) => service.test(host))
}
