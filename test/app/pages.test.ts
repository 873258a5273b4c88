import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'

/** The HTML pages on the bundled catalog, as a browser (or htmx) sees them. */

const BASE = 'https://example.com'
const HX = { 'HX-Request': 'true' }

async function page(path: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`${BASE}${path}`, { headers })
  return { status: res.status, headers: res.headers, html: await res.text() }
}

async function searchApi(q: string): Promise<{ id: number; title: string }[]> {
  const res = await SELF.fetch(`${BASE}/api/v1/movies/search?q=${encodeURIComponent(q)}`)
  return ((await res.json()) as { results: { id: number; title: string }[] }).results
}

const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern, 'g'))?.length ?? 0

/** CSP forbids inline scripts and style attributes: a page that used them would break in the browser. */
function expectCspFriendly(html: string) {
  expect(html).not.toMatch(/\sstyle=/i)
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i)
  expect(html).not.toMatch(/\son[a-z]+=/i)
}

describe('home page', () => {
  it('shows a hero and at least six rows of posters, under 60 KB', async () => {
    const { status, headers, html } = await page('/')
    expect(status).toBe(200)
    expect(headers.get('Content-Type')).toContain('text/html')
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toMatch(/<section class="hero"[^>]*>[\s\S]*<h1 id="hero-title"/)
    expect(html).toContain('More info')
    expect(count(html, /<section class="row"/)).toBeGreaterThanOrEqual(6)
    for (const heading of ['Trending now', 'Popular on Flixpeek', 'Top rated', 'New releases']) expect(html).toContain(`>${heading}</h2>`)
    expect(count(html, /<li class="card">/)).toBeGreaterThanOrEqual(6 * 8)
    expect(new TextEncoder().encode(html).length).toBeLessThan(60 * 1024)
    expectCspFriendly(html)
  })

  it('has the shell: skip link, landmarks, search, account links, htmx and the dataset credit', async () => {
    const { html } = await page('/')
    expect(html).toContain('<a class="skip-link" href="#main">')
    expect(html).toMatch(/<header class="site-header">/)
    expect(html).toMatch(/<main id="main"/)
    expect(html).toMatch(/<footer class="site-footer">/)
    expect(html).toMatch(/<form[^>]*action="\/search"[^>]*role="search"/)
    expect(html).toContain('hx-trigger="input changed delay:300ms, search"')
    expect(html).toContain('href="/login"')
    expect(html).toContain('href="/signup"')
    expect(html).toContain('src="/vendor/htmx-2.0.11.min.js"')
    expect(html).toContain('includeIndicatorStyles')
    expect(html).toContain('href="/api/v1/openapi.json"')
    expect(html).toContain('vega-datasets')
    expect(html).not.toContain('This product uses the TMDB API')
  })

  it('loads further genre rows lazily as a fragment, with a link fallback', async () => {
    const { html } = await page('/')
    const lazy = /hx-get="(\/home\/rows\?from=\d+)"[^>]*hx-trigger="intersect once"/.exec(html)
    expect(lazy).not.toBeNull()
    const more = await page(lazy![1]!.replace(/&amp;/g, '&'), HX)
    expect(more.status).toBe(200)
    expect(more.html).not.toContain('<html')
    expect(count(more.html, /<section class="row"/)).toBeGreaterThan(0)
    expect((await page('/home/rows?from=abc')).status).toBe(422)
  })
})

describe('search page', () => {
  it('serves a full page without HX-Request and only the results fragment with it', async () => {
    const full = await page('/search?q=star')
    expect(full.status).toBe(200)
    expect(full.html).toContain('<!DOCTYPE html>')
    expect(full.html).toMatch(/<input[^>]*name="q"[^>]*value="star"/)
    expect(full.headers.get('Vary')).toContain('HX-Request')
    expect(count(full.html, /<li class="card">/)).toBeGreaterThan(3)

    const fragment = await page('/search?q=star', HX)
    expect(fragment.status).toBe(200)
    expect(fragment.headers.get('Vary')).toContain('HX-Request')
    expect(fragment.html).not.toContain('<html')
    expect(fragment.html).not.toContain('<header')
    expect(fragment.html).toContain('<title>star · Search · Flixpeek</title>')
    expect(fragment.html).toMatch(/id="live-status" hx-swap-oob="innerHTML">\d+ films? match/)
    expect(count(fragment.html, /<li class="card">/)).toBe(count(full.html, /<li class="card">/))
  })

  it('answers htmx history restores (Back after a cache miss) with the full page', async () => {
    const restore = await page('/search?q=star', { ...HX, 'HX-History-Restore-Request': 'true' })
    expect(restore.html).toContain('<!DOCTYPE html>')
  })

  it('pages through results: the next page as cards plus the next sentinel', async () => {
    const query = 'the'
    const first = await page(`/search?q=${query}`)
    const next = /<li class="grid-more"><a[^>]*href="([^"]+)"[^>]*hx-trigger="intersect once"/.exec(first.html)
    expect(next).not.toBeNull()
    const href = next![1]!.replace(/&amp;/g, '&')
    expect(href).toBe(`/search?q=${query}&page=2`)
    const more = await page(href, HX)
    expect(more.status).toBe(200)
    expect(more.html.trimStart().startsWith('<li')).toBe(true)
    expect(more.html).not.toContain('<section')
    const ids = (html: string) => [...html.matchAll(/href="\/movies\/(\d+)"/g)].map((m) => m[1])
    expect(ids(more.html).some((id) => ids(first.html).includes(id))).toBe(false)
    // Without JavaScript the same link is a full page.
    expect((await page(href)).html).toContain('<!DOCTYPE html>')
  })

  it('has an empty state for no query and for no match', async () => {
    const blank = await page('/search')
    expect(blank.status).toBe(200)
    expect(blank.html).toContain('Type a title to search the catalog.')
    expect(blank.html).toMatch(/href="\/genres\/\d+"/)
    const none = await page('/search?q=zzzzqqqxxy')
    expect(none.status).toBe(200)
    expect(none.html).toContain('No films match “zzzzqqqxxy”.')
    expect(none.html).not.toContain('<li class="card">')
  })

  it('rejects a bad page or an overlong query with a friendly 422 page', async () => {
    for (const path of ['/search?q=star&page=0', '/search?q=star&page=abc', `/search?q=${'x'.repeat(201)}`]) {
      const res = await page(path)
      expect(res.status, path).toBe(422)
      expect(res.headers.get('Content-Type'), path).toContain('text/html')
      expect(res.html, path).toContain('Some details need fixing')
    }
  })

  it('escapes the query everywhere it is shown', async () => {
    const hostile = '<script>alert(1)</script>"'
    const { html } = await page(`/search?q=${encodeURIComponent(hostile)}`)
    expect(html).not.toContain('<script>alert(1)')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toMatch(/value="&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;"/)
  })
})

describe('genre page', () => {
  it('shows the genre as a grid with infinite scroll', async () => {
    const { status, html } = await page('/genres/28')
    expect(status).toBe(200)
    expect(html).toMatch(/<h1 id="genre-heading"[^>]*>Action<\/h1>/)
    expect(count(html, /<li class="card">/)).toBeGreaterThan(10)
    expect(html).toMatch(/<li class="grid-more"><a[^>]*href="\/genres\/28\?page=2"[^>]*hx-get="\/genres\/28\?page=2"[^>]*hx-trigger="intersect once"/)
    const more = await page('/genres/28?page=2', HX)
    expect(more.html.trimStart().startsWith('<li class="card">')).toBe(true)
    expect(more.headers.get('Vary')).toContain('HX-Request')
  })

  it('is a 400 page for a bad id, 404 for an unknown genre, 422 for a bad page', async () => {
    for (const [path, status, text] of [
      ['/genres/abc', 400, 'That request did not look right'],
      ['/genres/-1', 400, 'That request did not look right'],
      ['/genres/424242', 404, 'We could not find that genre.'],
      ['/genres/28?page=501', 422, 'Some details need fixing'],
    ] as const) {
      const res = await page(path)
      expect(res.status, path).toBe(status)
      expect(res.html, path).toContain(text)
      expect(res.html, path).toContain('<!DOCTYPE html>')
    }
  })
})

describe('details page', () => {
  it('shows poster, facts, genres, director, overview, similar titles and the watchlist and reviews slots', async () => {
    const [film] = await searchApi('The Dark Knight')
    expect(film).toBeDefined()
    const { status, html } = await page(`/movies/${film!.id}`)
    expect(status).toBe(200)
    expect(html).toMatch(/<h1 id="movie-title"[^>]*><bdi>The Dark Knight<\/bdi> <span class="details-year">\(2008\)<\/span>/)
    // The bundled catalog's gradient poster, with the title lettered over it in HTML.
    expect(html).toMatch(/<span class="poster details-poster poster-art"><img [^>]*alt="Poster of The Dark Knight"[^>]*\/><span dir="auto" aria-hidden="true">The Dark Knight<\/span>/)
    expect(html).toMatch(/<span class="star" aria-hidden="true"><\/span> \d\.\d/)
    expect(html).toContain('2h 32m')
    expect(html).toContain('Christopher Nolan')
    expect(html).toMatch(/<a class="chip" href="\/genres\/28">Action<\/a>/)
    expect(html).toContain('>More like this</h2>')
    expect(html).toMatch(/<form class="watchlist-form[^"]*" method="post" action="\/watchlist\/\d+"/)
    expect(html).toContain('id="reviews"')
    // The bundled catalog has no trailers and nothing external loads by default.
    expect(html).not.toContain('<iframe')
    expect(html).not.toContain('youtube')
    expectCspFriendly(html)
  })

  it('is a 400 page for a bad id and a 404 page for an unknown film', async () => {
    for (const [path, status, text] of [
      ['/movies/abc', 400, 'is not a valid id'],
      ['/movies/0', 400, 'is not a valid id'],
      ['/movies/1.5', 400, 'is not a valid id'],
      ['/movies/99999999999', 400, 'is not a valid id'],
      ['/movies/1234', 404, 'We could not find that film.'],
      ['/movies/1234/trailer', 404, 'We could not find that film.'],
    ] as const) {
      const res = await page(path)
      expect(res.status, path).toBe(status)
      expect(res.headers.get('Content-Type'), path).toContain('text/html')
      expect(res.html, path).toContain(text)
    }
  })
})
