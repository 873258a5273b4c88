/**
 * The client's address on Node: the socket's peer, unless TRUSTED_CLIENT_IP_HEADER names the header a
 * trusted proxy in front sets (e.g. X-Forwarded-For behind a load balancer). CF-Connecting-IP is never
 * read by default: without Cloudflare in front, any client could send it and pick its own rate-limit bucket.
 */
export function clientAddressFrom(request: Request, peer: string | undefined, trustedHeader: string | undefined): string | undefined {
  if (trustedHeader) {
    const value = request.headers.get(trustedHeader)
    // A list (X-Forwarded-For): the proxy appends the address it saw, so the last entry is the one it vouches for;
    // earlier entries came from the client and can be anything.
    const last = value?.split(',').pop()?.trim()
    if (last) return last
  }
  return peer ? unmapped(peer) : undefined
}

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) as `127.0.0.1`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/** Private (RFC 1918, CGNAT, unique local), link-local and loopback addresses: what a proxy or node in front has, not a client on the internet. */
export function isPrivateAddress(address: string): boolean {
  const ip = unmapped(address).toLowerCase()
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(ip)
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])]
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254)
  }
  return ip === '::1' || /^f[cd][0-9a-f]{0,2}:/.test(ip) || /^fe[89ab][0-9a-f]?:/.test(ip)
}

/**
 * In production without TRUSTED_CLIENT_IP_HEADER, a warning when the first request (probes aside: they come from the
 * node or the load balancer whatever the setup) arrives from a private address: a proxy or a source-NATing load
 * balancer is in front, so every client would share its rate-limit buckets and one visitor could lock everyone out of
 * login (the third audit's M7). Checked once, at the first request; the line names no address (no addresses in logs).
 */
export function privatePeerWarning(options: { production: boolean; trustedHeader: string | undefined; warn?: (message: string) => void }): (peer: string | undefined) => void {
  let checked = !options.production || options.trustedHeader !== undefined
  const warn = options.warn ?? ((message: string) => console.warn(message))
  return (peer) => {
    if (checked || peer === undefined) return
    checked = true
    if (isPrivateAddress(peer)) {
      warn('TRUSTED_CLIENT_IP_HEADER is unset and the first request came from a private address: if a proxy or load balancer is in front, all its clients share one rate-limit bucket. Set TRUSTED_CLIENT_IP_HEADER to the header it sets (docs/self-hosting.md).')
    }
  }
}
