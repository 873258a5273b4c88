import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { Movie } from '../src/catalog/types'

/**
 * Rendered card markup, kept per isolate. A signed-in page is rendered per request (never from the page cache), and
 * its 60–90 cards were most of its CPU: the same film in the same language with the same list state is the same
 * markup for every viewer, so it is rendered once and reused as a string. Nothing personal is in a key or a value
 * beyond "this film is on the viewer's list" (and the card's reason text for personal rows), which the viewer's own
 * request chooses. Bounded by bytes; the oldest entries go first.
 */
const MAX_BYTES = 4 * 1024 * 1024
const cards = new Map<string, string>()
let bytes = 0

/** What a card shows of a film: any change (fresh TMDB data, another poster) is another key, never stale markup. */
export const movieFingerprint = (movie: Movie) =>
  `${movie.id}\u0001${movie.title}\u0001${movie.poster_url ?? ''}\u0001${movie.release_date ?? ''}\u0001${movie.vote_average}\u0001${movie.vote_count}`

function remember(key: string, html: string) {
  const size = (key.length + html.length) * 2
  if (size > MAX_BYTES / 64) return
  while (bytes + size > MAX_BYTES && cards.size > 0) {
    const oldest = cards.keys().next().value!
    bytes -= (oldest.length + cards.get(oldest)!.length) * 2
    cards.delete(oldest)
  }
  cards.set(key, html)
  bytes += size
}

/**
 * The markup of `node` under `key`, rendered on first use (inside the page's render, so the node sees the page's
 * contexts; the key must therefore name every context value the node reads). An asynchronous node is not memoised.
 */
export function memoCard(key: string, node: () => Child): Child {
  const known = cards.get(key)
  if (known !== undefined) return raw(known)
  const built = node()
  const html = (built as { toString(): string | Promise<string> } | null)?.toString()
  if (typeof html !== 'string') return built
  remember(key, html)
  return raw(html) as HtmlEscapedString
}

/** For tests: forget every card. */
export function clearCardMemo() {
  cards.clear()
  bytes = 0
}
