import { raw } from 'hono/html'
import { createContext, useContext, type Child } from 'hono/jsx'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { Movie } from '../src/catalog/types'

/**
 * Rendered card markup, kept per isolate. A signed-in page is rendered per request (never from the page cache), and
 * its 60–90 cards were most of its CPU: the same film in the same language with the same list state is the same
 * markup for every viewer, so it is rendered once and reused as a string. Nothing personal is in a key or a value
 * beyond "this film is on the viewer's list" (and the card's reason text for personal rows), which the viewer's own
 * request chooses. Bounded by bytes; the oldest entries go first.
 *
 * Each card is also kept as UTF-8 bytes: a page renderer that provides a CardBytes collector gets a marker in the
 * markup instead, and splices the bytes in (src/http/render.tsx). Turning a 100 KB page string into bytes was a fifth
 * of a signed-in home's CPU (V8 flattens the concatenated string, then encodes it); most of those bytes are cards
 * that were the same bytes on the previous request.
 */
const MAX_BYTES = 6 * 1024 * 1024
interface Memo {
  html: string
  utf8: Uint8Array
}
const cards = new Map<string, Memo>()
let bytes = 0
const encoder = new TextEncoder()

/** What a card shows of a film: any change (fresh TMDB data, another poster) is another key, never stale markup. */
export const movieFingerprint = (movie: Movie) =>
  `${movie.id}\u0001${movie.title}\u0001${movie.poster_url ?? ''}\u0001${movie.release_date ?? ''}\u0001${movie.vote_average}\u0001${movie.vote_count}`

function remember(key: string, html: string): Memo | undefined {
  const memo = { html, utf8: encoder.encode(html) }
  const size = (key.length + html.length) * 2 + memo.utf8.byteLength
  if (size > MAX_BYTES / 64) return undefined
  while (bytes + size > MAX_BYTES && cards.size > 0) {
    const [oldestKey, oldest] = cards.entries().next().value!
    bytes -= (oldestKey.length + oldest.html.length) * 2 + oldest.utf8.byteLength
    cards.delete(oldestKey)
  }
  cards.set(key, memo)
  bytes += size
  return memo
}

/**
 * One response's cards as bytes: `mark` records a card and answers the marker that stands for it in the markup. The
 * marker is a random token (per collector) and the card's index, so no text on the page (a title, a review) can
 * forge one.
 */
export class CardBytes {
  readonly token = `\u0000${crypto.randomUUID()}\u0000`
  readonly chunks: Uint8Array[] = []
  mark(utf8: Uint8Array): string {
    this.chunks.push(utf8)
    return `${this.token}${this.chunks.length - 1}\u0000`
  }

  /** The page as bytes: the markup around the markers encoded, each marker replaced by its card's bytes. */
  bytesOf(html: string): Uint8Array {
    if (this.chunks.length === 0) return encoder.encode(html)
    // One buffer, written in place: UTF-8 takes at most 3 bytes per UTF-16 unit of the markup between the cards.
    let cardBytes = 0
    for (const chunk of this.chunks) cardBytes += chunk.byteLength
    const out = new Uint8Array(cardBytes + html.length * 3)
    let at = 0
    const text = (part: string) => {
      at += encoder.encodeInto(part, out.subarray(at)).written
    }
    let from = 0
    for (let marker = html.indexOf(this.token); marker !== -1; marker = html.indexOf(this.token, from)) {
      text(html.slice(from, marker))
      const start = marker + this.token.length
      const end = html.indexOf('\u0000', start)
      const chunk = end > start ? this.chunks[Number(html.slice(start, end))] : undefined
      // Not one of ours (cannot happen: the token is unguessable): keep the text as it was.
      if (!chunk) {
        text(this.token)
        from = start
        continue
      }
      out.set(chunk, at)
      at += chunk.byteLength
      from = end + 1
    }
    text(html.slice(from))
    return out.subarray(0, at)
  }
}

/** The response's collector, when its renderer splices card bytes (src/http/render.tsx); else cards are plain markup. */
export const CardBytesContext = createContext<CardBytes | null>(null)

/**
 * The markup of `node` under `key`, rendered on first use (inside the page's render, so the node sees the page's
 * contexts; the key must therefore name every context value the node reads). An asynchronous node is not memoised.
 */
export function memoCard(key: string, node: () => Child): Child {
  // A card rendered inside another memoised card's markup is kept in that markup: never a marker of this response.
  const collector = building === 0 ? useContext(CardBytesContext) : null
  let memo = cards.get(key)
  if (memo === undefined) {
    building++
    let html: string | Promise<string> | undefined
    let built: Child
    try {
      built = node()
      html = (built as { toString(): string | Promise<string> } | null)?.toString()
    } finally {
      building--
    }
    if (typeof html !== 'string') return built
    memo = remember(key, html)
    if (!memo) return raw(html) as HtmlEscapedString
  }
  return raw(collector ? collector.mark(memo.utf8) : memo.html) as HtmlEscapedString
}

/** How deep memoCard is in building a card's markup (synchronous: the build is one toString call). */
let building = 0

/** For tests: forget every card. */
export function clearCardMemo() {
  cards.clear()
  bytes = 0
}
