import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import type { FilmJson as Movie } from '../support/harness/films'

/** The catalog API with no TMDB credential: every route answers from the bundled films. */
const BASE = 'https://flix.test'

interface MoviePage {
  page: number
  total_pages: number
  total_results: number
  results: Movie[]
}

async function getJson<T>(path: string, status = 200): Promise<T> {
  const res = await SELF.fetch(`${BASE}${path}`)
  expect(res.status, path).toBe(status)
  expect(res.headers.get('Content-Type'), path).toContain('application/json')
  return (await res.json()) as T
}

describe('catalog API on the bundled catalog', () => {
  it('answers every list route with a page of real films and absolute artwork URLs', async () => {
    for (const path of [
      '/api/v1/movies/popular',
      '/api/v1/movies/top_rated',
      '/api/v1/movies/now_playing',
      '/api/v1/movies/trending',
      '/api/v1/movies/trending?window=day',
      '/api/v1/movies/search?q=star',
      '/api/v1/genres/18/movies',
    ]) {
      const body = await getJson<MoviePage>(path)
      expect(body.page, path).toBe(1)
      expect(body.results.length, path).toBeGreaterThan(0)
      expect(body.results.length, path).toBeLessThanOrEqual(20)
      for (const movie of body.results) {
        expect(movie.id, path).toBeGreaterThanOrEqual(900_000_000)
        expect(movie.poster_url, path).toBe(`${BASE}/images/posters/${movie.id}.png`)
        expect(movie.backdrop_url, path).toBe(`${BASE}/images/backdrops/${movie.id}.png`)
      }
    }
  })

  it('sends a short public Cache-Control on catalog JSON', async () => {
    const res = await SELF.fetch(`${BASE}/api/v1/movies/popular`)
    expect(res.headers.get('Cache-Control')).toMatch(/^public, max-age=\d+/)
  })

  it('gives the home-page rows different films', async () => {
    const ids = async (path: string) => (await getJson<MoviePage>(path)).results.map((m) => m.id).join(',')
    const rows = await Promise.all(
      ['popular', 'top_rated', 'now_playing', 'trending', 'trending?window=day'].map((p) => ids(`/api/v1/movies/${p}`)),
    )
    expect(new Set(rows).size).toBe(rows.length)
  })

  it('pages through a list without repeating films', async () => {
    const first = await getJson<MoviePage>('/api/v1/movies/popular?page=1')
    const second = await getJson<MoviePage>('/api/v1/movies/popular?page=2')
    expect(second.page).toBe(2)
    expect(first.total_results).toBeGreaterThan(3000)
    const overlap = second.results.filter((m) => first.results.some((f) => f.id === m.id))
    expect(overlap).toEqual([])
    const past = await getJson<MoviePage>('/api/v1/movies/popular?page=500')
    expect(past.results).toEqual([])
  })

  it('finds Amélie when searching "amelie" and answers details for it', async () => {
    const found = await getJson<MoviePage>('/api/v1/movies/search?q=AMELIE')
    const amelie = found.results.find((m) => m.title.includes('Amélie'))
    expect(amelie).toBeDefined()
    const details = await getJson<Movie & { director: string | null; cast: unknown[]; trailer: unknown; similar: Movie[]; genres: { id: number; name: string }[]; runtime: number | null }>(
      `/api/v1/movies/${amelie!.id}`,
    )
    expect(details.title).toBe("Le Fabuleux destin d'Amélie Poulain")
    expect(details.director).toBe('Jean-Pierre Jeunet')
    expect(details.cast).toEqual([])
    expect(details.trailer).toBeNull()
    expect(details.genres).toContainEqual({ id: 35, name: 'Comedy' })
    expect(details.similar.length).toBeGreaterThan(0)
    expect(details.similar.some((m) => m.id === details.id)).toBe(false)
    expect(details.overview).toContain('2001')
    expect(details.overview).toContain('Jean-Pierre Jeunet')
  })

  it('lists only genres that have films, and 404s an unknown film', async () => {
    const { genres } = await getJson<{ genres: { id: number; name: string }[] }>('/api/v1/genres')
    expect(genres).toContainEqual({ id: 18, name: 'Drama' })
    expect(genres.some((g) => g.id === 10770)).toBe(false)
    for (const genre of genres) {
      const page = await getJson<MoviePage>(`/api/v1/genres/${genre.id}/movies`)
      expect(page.results.length, genre.name).toBeGreaterThan(0)
      expect(page.results.every((m) => m.genre_ids.includes(genre.id)), genre.name).toBe(true)
    }
    const missing = await getJson<{ error: { code: string } }>('/api/v1/movies/123', 404)
    expect(missing.error.code).toBe('movie_not_found')
  })

  it('rejects bad input with the contract errors, never a 5xx', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/movies/popular?page=0', 422, 'validation_failed'],
      ['/api/v1/movies/popular?page=abc', 422, 'validation_failed'],
      ['/api/v1/movies/top_rated?page=501', 422, 'validation_failed'],
      ['/api/v1/movies/now_playing?page=1.5', 422, 'validation_failed'],
      ['/api/v1/movies/trending?window=month', 422, 'validation_failed'],
      ['/api/v1/movies/search', 422, 'validation_failed'],
      ['/api/v1/movies/search?q=', 422, 'validation_failed'],
      [`/api/v1/movies/search?q=${'x'.repeat(201)}`, 422, 'validation_failed'],
      ['/api/v1/movies/abc', 400, 'invalid_id'],
      ['/api/v1/movies/0', 400, 'invalid_id'],
      ['/api/v1/movies/-1', 400, 'invalid_id'],
      ['/api/v1/movies/1.5', 400, 'invalid_id'],
      ['/api/v1/movies/4294967296', 400, 'invalid_id'],
      ['/api/v1/movies/2147483648', 400, 'invalid_id'],
      ['/api/v1/genres/abc/movies', 400, 'invalid_id'],
      ['/api/v1/genres/18/movies?page=-3', 422, 'validation_failed'],
      // A page is written in plain digits, like an id: no exponent, hex, sign, blanks or repeats.
      ['/api/v1/movies/popular?page=1e2', 422, 'validation_failed'],
      ['/api/v1/movies/popular?page=0x10', 422, 'validation_failed'],
      ['/api/v1/movies/popular?page=%2B5', 422, 'validation_failed'],
      ['/api/v1/movies/popular?page=%205', 422, 'validation_failed'],
      ['/api/v1/movies/popular?page=', 422, 'validation_failed'],
      ['/api/v1/movies/popular?page=1&page=2', 422, 'validation_failed'],
      ['/api/v1/movies/00012', 400, 'invalid_id'],
      ['/api/v1/movies/%20', 400, 'invalid_id'],
      ['/api/v1/movies/1e3', 400, 'invalid_id'],
      ['/api/v1/movies/0x10', 400, 'invalid_id'],
      ['/api/v1/movies/%2B5', 400, 'invalid_id'],
    ]
    for (const [path, status, code] of cases) {
      const body = await getJson<{ error: { code: string; message: string; request_id: string } }>(path, status)
      expect(body.error.code, path).toBe(code)
      expect(body.error.request_id, path).toBeTruthy()
    }
  })

  it('accepts a 200-character search and odd characters without failing', async () => {
    await getJson<MoviePage>(`/api/v1/movies/search?q=${'a'.repeat(200)}`)
    const odd = await getJson<MoviePage>(`/api/v1/movies/search?q=${encodeURIComponent('<script>%\'"; DROP')}`)
    expect(odd.results).toEqual([])
  })

  it('lists every catalog route in the OpenAPI document', async () => {
    const doc = await getJson<{ paths: Record<string, Record<string, unknown>> }>('/api/v1/openapi.json')
    for (const path of [
      '/api/v1/movies/popular',
      '/api/v1/movies/top_rated',
      '/api/v1/movies/now_playing',
      '/api/v1/movies/trending',
      '/api/v1/movies/search',
      '/api/v1/movies/{id}',
      '/api/v1/genres',
      '/api/v1/genres/{id}/movies',
      '/movie/{title}',
    ]) {
      expect(doc.paths[path]?.get, path).toBeDefined()
    }
  })
})

describe('the seed route GET /movie/:title', () => {
  it("answers in TMDB's search/movie shape from the bundled catalog", async () => {
    const body = await getJson<{ page: number; total_pages: number; total_results: number; results: Record<string, unknown>[] }>(
      '/movie/The%20Matrix',
    )
    expect(body.page).toBe(1)
    expect(body.total_results).toBeGreaterThan(0)
    const first = body.results[0]!
    expect(first.title).toBe('The Matrix')
    expect(first.release_date).toBe('1999-03-31')
    for (const key of ['id', 'overview', 'poster_path', 'backdrop_path', 'genre_ids', 'vote_average', 'vote_count', 'popularity', 'original_title']) {
      expect(first, key).toHaveProperty(key)
    }
  })

  it('answers a title with no match with empty results, and an overlong title with JSON 422', async () => {
    const none = await getJson<{ results: unknown[]; total_results: number }>('/movie/zzzqqqxxx')
    expect(none).toMatchObject({ results: [], total_results: 0 })
    const long = await getJson<{ error: { code: string } }>(`/movie/${'a'.repeat(201)}`, 422)
    expect(long.error.code).toBe('validation_failed')
  })
})

/** A PNG's size and its top-left and bottom-right pixels (8-bit RGB, stored or deflated IDAT). */
async function readPng(response: Response) {
  const bytes = new Uint8Array(await response.arrayBuffer())
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const view = new DataView(bytes.buffer)
  const width = view.getUint32(16)
  const height = view.getUint32(20)
  expect([...bytes.subarray(24, 26)]).toEqual([8, 2]) // 8-bit truecolour
  const idat: Uint8Array[] = []
  for (let at = 8; at < bytes.length; ) {
    const length = view.getUint32(at)
    if (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  const rows = new Uint8Array(await new Response(new Blob(idat).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer())
  expect(rows.length).toBe(height * (1 + width * 3))
  const pixel = (x: number, y: number) => [...rows.subarray(y * (1 + width * 3) + 1 + x * 3, y * (1 + width * 3) + 4 + x * 3)]
  return { width, height, topLeft: pixel(0, 0), bottomRight: pixel(width - 1, height - 1) }
}

describe('generated artwork', () => {
  it('serves a 2:3 gradient poster and a 16:9 backdrop as PNG with long caching, and the titled SVG beside them', async () => {
    const { results } = await getJson<MoviePage>('/api/v1/movies/search?q=Naked%20Gun%202')
    const film = results[0]!
    const poster = await SELF.fetch(film.poster_url!)
    expect(poster.status).toBe(200)
    expect(poster.headers.get('Content-Type')).toBe('image/png')
    expect(poster.headers.get('Cache-Control')).toContain('max-age=31536000')
    const art = await readPng(poster)
    expect(art.width * 3).toBe(art.height * 2)
    // A gradient from a lighter colour at the top left to a dark one at the bottom right.
    expect(art.topLeft.reduce((a, b) => a + b)).toBeGreaterThan(art.bottomRight.reduce((a, b) => a + b) + 60)
    const wide = await readPng(await SELF.fetch(film.backdrop_url!))
    expect(wide.width * 9).toBe(wide.height * 16)

    const titled = await SELF.fetch(film.poster_url!.replace(/\.png$/, '.svg'))
    expect(titled.headers.get('Content-Type')).toContain('image/svg+xml')
    const svg = await titled.text()
    expect(svg).toContain('viewBox="0 0 500 750"')
    expect(svg).toContain('Naked')
    expect(svg).toContain('1991')
    const backdrop = await (await SELF.fetch(film.backdrop_url!.replace(/\.png$/, '.svg'))).text()
    expect(backdrop).toContain('viewBox="0 0 1280 720"')
  })

  it('escapes markup-significant characters in titles', async () => {
    const { results } = await getJson<MoviePage>('/api/v1/movies/search?q=Alex%20%26%20Emma')
    const svg = await (await SELF.fetch(results[0]!.poster_url!.replace(/\.png$/, '.svg'))).text()
    expect(svg).toContain('Alex &#38; Emma')
    expect(svg).not.toContain('Alex & Emma')
  })

  it('404s an unknown or malformed image id', async () => {
    for (const path of ['/images/posters/123.svg', '/images/posters/123.png', '/images/posters/abc.svg', '/images/posters/1.gif', '/images/backdrops/999999999999.png']) {
      expect((await SELF.fetch(`${BASE}${path}`)).status, path).toBe(404)
    }
  })
})
