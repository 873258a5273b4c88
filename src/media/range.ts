import type { MediaRange } from './store'

/** What a request's `Range` header asks of an object. */
export type RangeRequest = { kind: 'whole' } | { kind: 'one'; range: MediaRange } | { kind: 'other' }

/**
 * `Range: bytes=a-b | a- | -n`: one range of bytes. No header: the whole object. Anything else (several ranges, a
 * backwards one, another unit, garbage) is `other`: the media route answers it 416, the internal route the whole
 * object. Whether a range fits the object is the store's to say (RangeError).
 */
export function parseRange(header: string | undefined | null): RangeRequest {
  if (header === undefined || header === null) return { kind: 'whole' }
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim())
  if (!match || (!match[1] && !match[2])) return { kind: 'other' }
  if (!match[1]) return { kind: 'one', range: { suffix: Number(match[2]) } }
  const offset = Number(match[1])
  if (!match[2]) return { kind: 'one', range: { offset } }
  const last = Number(match[2])
  return last < offset ? { kind: 'other' } : { kind: 'one', range: { offset, length: last - offset + 1 } }
}
