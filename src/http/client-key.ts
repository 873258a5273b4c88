/**
 * The key per-client limits count under. IPv4 clients are keyed by their address. IPv6 clients are
 * keyed by their /64: one subscriber line or host usually owns a whole /64, so keying the full
 * /128 would let anyone rotate through 2^64 addresses past every limit. IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`) counts as the IPv4 address. Anything unparseable is kept as given (bounded).
 */
export function clientKey(address: string): string {
  const text = address.trim().toLowerCase()
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text)
  if (mapped) return mapped[1]!
  if (!text.includes(':')) return text.slice(0, 64)
  const hextets = expandIpv6(text.replace(/%.*$/, ''))
  return hextets ? `${hextets.slice(0, 4).join(':')}::/64` : text.slice(0, 64)
}

/** The eight hextets of an IPv6 address (without leading zeros), or null when it is not one. */
function expandIpv6(text: string): string[] | null {
  const halves = text.split('::')
  if (halves.length > 2) return null
  const parse = (part: string) => (part === '' ? [] : part.split(':'))
  let head = parse(halves[0]!)
  let tail = halves.length === 2 ? parse(halves[1]!) : []
  // A trailing dotted IPv4 part (e.g. 64:ff9b::192.0.2.1) fills the last two hextets.
  const last = (halves.length === 2 ? tail : head).at(-1)
  if (last?.includes('.')) {
    const octets = last.split('.').map(Number)
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null
    const asHex = [((octets[0]! << 8) | octets[1]!).toString(16), ((octets[2]! << 8) | octets[3]!).toString(16)]
    if (halves.length === 2) tail = [...tail.slice(0, -1), ...asHex]
    else head = [...head.slice(0, -1), ...asHex]
  }
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail]
  if (!all.every((h) => /^[0-9a-f]{1,4}$/.test(h))) return null
  return all.map((h) => parseInt(h, 16).toString(16))
}
