import { jsx } from 'hono/jsx'
import { describe, expect, it } from 'vitest'
import { CardBytes, CardBytesContext, clearCardMemo, memoCard } from '../../views/card-memo'

/**
 * views/card-memo.ts: a page rendered with a CardBytes collector (src/http/render.tsx) must be byte for byte the
 * page rendered without one, its cards spliced in as the bytes kept from their first rendering.
 */
const films = [
  { id: 1, title: 'Amélie' },
  { id: 2, title: '千と千尋の神隠し' },
  // Text that looks like a marker stays text: the collector's token is random.
  { id: 3, title: '\u000000000000-0000-0000-0000-000000000000\u00000\u0000' },
  { id: 4, title: 'الرجل الذي باع ظهره' },
]
const Card = ({ id, title }: { id: number; title: string }) => memoCard(`test\u0000${id}`, () => jsx('li', { class: 'card' }, title))
const Page = () => jsx('ul', {}, jsx('li', {}, 'Größe – «»'), ...films.map((film) => jsx(Card, film)), jsx('li', {}, 'fin ✓'))

async function spliced(): Promise<{ text: string; cards: number }> {
  const collector = new CardBytes()
  const html = await jsx(CardBytesContext.Provider, { value: collector }, jsx(Page, {})).toString()
  return { text: new TextDecoder().decode(collector.bytesOf(html)), cards: collector.chunks.length }
}

describe('cards spliced in as bytes', () => {
  it('should give the same page as plain rendering, on a cold and on a warm memo', async () => {
    clearCardMemo()
    const cold = await spliced()
    const warm = await spliced()
    const plain = await jsx(Page, {}).toString()
    expect(plain).toContain('千と千尋の神隠し')
    expect(cold).toEqual({ text: plain, cards: films.length })
    expect(warm).toEqual({ text: plain, cards: films.length })
  })
})
