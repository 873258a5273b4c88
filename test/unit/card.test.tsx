/** @jsxImportSource hono/jsx */
// (The unit project's transform does not read tsconfig.json's jsx settings for test/unit: the pragma names hono's.)
import type { Child } from 'hono/jsx'
import { describe, expect, it } from 'vitest'
import type { Movie } from '../../src/catalog/types'
import { createTranslator } from '../../src/i18n/translator'
import { CardBytes, CardBytesContext, clearCardMemo } from '../../views/card-memo'
import { Card } from '../../views/components/Card'
import { I18nContext } from '../../views/components/I18nContext'
import { ListedContext } from '../../views/components/ListedContext'
import { PageContext } from '../../views/components/PageContext'
import { PersonalRows } from '../../views/components/PersonalRows'

/**
 * views/components/Card.tsx: one card, three variants (poster in rows and grids, pick in the personal rows, list on
 * My List), each memoised as bytes (views/card-memo.ts) under a key of everything its markup reads.
 */
const film = (id: number, title: string): Movie => ({
  id,
  title,
  overview: '',
  release_date: '2020-08-27',
  poster_url: `https://image.tmdb.org/t/p/w342/${id}.jpg`,
  backdrop_url: null,
  vote_average: 7.1,
  vote_count: 900,
  genre_ids: [18],
})
const arabic = film(1, 'الرجل الذي باع ظهره')
const hebrew = film(2, 'גבעת חלפון אינה עונה')

/** A page as src/http/render.tsx renders it for a signed-in viewer: the contexts, the cards spliced in as bytes. */
async function page(node: Child, { locale = 'en', listed = new Set<number>() }: { locale?: string; listed?: ReadonlySet<number> } = {}) {
  const collector = new CardBytes()
  const html = await (
    <I18nContext.Provider value={createTranslator(locale)}>
      <PageContext.Provider value={{ user: { display_name: 'Viewer' } }}>
        <ListedContext.Provider value={listed}>
          <CardBytesContext.Provider value={collector}>{node}</CardBytesContext.Provider>
        </ListedContext.Provider>
      </PageContext.Provider>
    </I18nContext.Provider>
  ).toString()
  return new TextDecoder().decode(collector.bytesOf(html))
}

const items = (html: string) => html.match(/<li class="card[^"]*">[\s\S]*?<\/li>/g) ?? []
const isolated = (title: string) => `<span class="card-title" dir="auto"><bdi>${title}</bdi></span>`

describe('Card', () => {
  it('should isolate the title (dir="auto" and <bdi>) in the personal rows\' pick cards, in an English and an Arabic page', async () => {
    for (const locale of ['en', 'ar']) {
      clearCardMemo()
      const rows = [{ id: 'recs-top', title: 'Top picks', picks: [{ movie: arabic, reason: 'Trending now' }, { movie: hebrew, reason: 'Trending now' }] }]
      const html = await page(<PersonalRows rows={rows} />, { locale })
      const cards = items(html)
      expect(cards).toHaveLength(2)
      expect(cards[0]).toContain('<li class="card pick-card">')
      expect(cards[0]).toContain(isolated(arabic.title))
      expect(cards[0]).toContain('class="card-reason"')
      expect(cards[1]).toContain(isolated(hebrew.title))
    }
  })

  it('should isolate the title in every variant', async () => {
    clearCardMemo()
    const html = await page(
      <ul>
        <Card movie={arabic} />
        <Card variant="pick" movie={arabic} reason="Trending now" />
        <Card variant="list" movie={arabic} />
      </ul>,
    )
    const cards = items(html)
    expect(cards).toHaveLength(3)
    for (const card of cards) expect(card).toContain(isolated(arabic.title))
  })

  it('should not give two cards of the same film in the same language the same bytes, on a cold or a warm memo', async () => {
    clearCardMemo()
    const reasons = ['Trending now', 'Because you liked Heat']
    const node = (
      <ul>
        <Card movie={hebrew} />
        <Card movie={hebrew} eager />
        <Card variant="list" movie={hebrew} />
        <Card variant="pick" movie={hebrew} reason={reasons[0]!} />
        <Card variant="pick" movie={hebrew} reason={reasons[1]!} />
      </ul>
    )
    const cold = items(await page(node))
    const warm = items(await page(node))
    expect(warm).toEqual(cold)
    const [poster, eager, list, pick, otherPick] = warm
    expect(new Set(warm).size).toBe(5)
    // A row's card: My List toggle (add), no reason, no "Not interested", lazy unless eager.
    expect(poster).toMatch(/^<li class="card">/)
    expect(poster).toContain('loading="lazy"')
    expect(poster).toContain('action="/watchlist/2"')
    expect(poster).not.toContain('card-reason')
    expect(poster).not.toContain('dismiss-form')
    expect(eager).toContain('loading="eager"')
    // My List's card: its toggle removes the film, and the whole card with it.
    expect(list).toMatch(/^<li class="card">/)
    expect(list).toContain('action="/watchlist/2/remove"')
    expect(list).toContain('<input type="hidden" name="from" value="list"/>')
    // A pick: its own reason and "Not interested".
    expect(pick).toMatch(/^<li class="card pick-card">/)
    expect(pick).toContain(`<span class="card-reason">${reasons[0]}</span>`)
    expect(pick).toContain('action="/movies/2/dismiss"')
    expect(otherPick).toContain(`<span class="card-reason">${reasons[1]}</span>`)
  })

  it("should key a card by the viewer's list state and language", async () => {
    clearCardMemo()
    const node = (
      <ul>
        <Card movie={hebrew} />
      </ul>
    )
    const out = await page(node)
    const listed = await page(node, { listed: new Set([hebrew.id]) })
    const french = await page(node, { locale: 'fr' })
    expect(out).toContain('action="/watchlist/2"')
    expect(listed).toContain('action="/watchlist/2/remove"')
    expect(french).not.toBe(out)
    expect(french).toContain(createTranslator('fr')('watchlist.add', { title: hebrew.title }))
  })

  it('should render a card with its own action slot every time, never from the memo', async () => {
    clearCardMemo()
    const withAction = (label: string) => (
      <ul>
        <Card movie={hebrew} action={<span class="slot">{label}</span>} />
      </ul>
    )
    expect(await page(withAction('one'))).toContain('<span class="slot">one</span>')
    expect(await page(withAction('two'))).toContain('<span class="slot">two</span>')
  })
})
