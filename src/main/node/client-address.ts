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
