import { beforeEach, describe, expect, it } from 'vitest'
import { fakeTmdb, tmdbHarness } from '../support/harness/tmdb'

/** With a TMDB credential, every catalog route serves TMDB data (from the fake TMDB server) in the contract's shapes. */

const IMAGE = 'https://image.tmdb.org/t/p'

beforeEach(() => fakeTmdb.reset())

describe('catalog API on TMDB', () => {
  it('maps a TMDB list to Movies with absolute image URLs', async () => {
    const tmdb = tmdbHarness()
    const res = await tmdb.get('/api/v1/movies/popular')
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toMatch(/^public, max-age=\d+/)
    const body = res.json()
    expect(body).toMatchObject({ page: 1, total_pages: 500, total_results: expect.any(Number) })
    expect(body.results).toHaveLength(20)
    expect(body.results[0]).toEqual({
      id: 640146,
      title: 'Ant-Man and the Wasp: Quantumania',
      overview: expect.stringContaining('Quantum Realm'),
      release_date: '2023-02-15',
      poster_url: `${IMAGE}/w500/ngl2FKBlU4fhbdsrtdom9LVLBXw.jpg`,
      backdrop_url: `${IMAGE}/w1280/gMJngTNfaqCSCqGD4y8lVMZXKDn.jpg`,
      vote_average: 6.5,
      vote_count: 1886,
      genre_ids: [28, 12, 878],
    })
  })

  it('serves every list route, passing page and window through', async () => {
    const tmdb = tmdbHarness()
    for (const [path, upstream] of [
      ['/api/v1/movies/top_rated?page=2', '/3/movie/top_rated?language=en-US&page=2'],
      ['/api/v1/movies/now_playing', '/3/movie/now_playing?language=en-US&page=1'],
      ['/api/v1/movies/trending', '/3/trending/movie/week?language=en-US&page=1'],
      ['/api/v1/movies/trending?window=day', '/3/trending/movie/day?language=en-US&page=1'],
      ['/api/v1/genres/28/movies', '/3/discover/movie?include_adult=false&language=en-US&page=1&sort_by=popularity.desc&with_genres=28'],
    ] as const) {
      const res = await tmdb.get(path)
      expect(res.status, path).toBe(200)
      expect(res.json().results.length, path).toBeGreaterThan(0)
      expect((await fakeTmdb.stats()).byUrl[upstream], path).toBe(1)
    }
    const genres = await tmdb.get('/api/v1/genres')
    expect(genres.json().genres).toContainEqual({ id: 878, name: 'Science Fiction' })
  })

  it('sends the API key as api_key, or the read token as a bearer header (preferred)', async () => {
    await tmdbHarness({ auth: 'api_key' }).get('/api/v1/movies/popular')
    const withKey = (await fakeTmdb.stats()).last!
    expect(withKey.query.api_key).toBe('key-123')
    expect(withKey.authorization).toBeNull()
    await tmdbHarness({ auth: 'bearer' }).get('/api/v1/movies/popular')
    const withToken = (await fakeTmdb.stats()).last!
    expect(withToken.authorization).toBe('Bearer token-123')
    expect(withToken.query.api_key).toBeUndefined()
  })

  it('answers a rejected credential with 503 upstream_unavailable, not a 500', async () => {
    const res = await tmdbHarness({ auth: 'invalid' }).get('/api/v1/movies/popular')
    expect(res.status).toBe(503)
    expect(res.json().error.code).toBe('upstream_unavailable')
  })

  it('builds details from ONE call: director, top cast, official trailer first, similar films', async () => {
    const tmdb = tmdbHarness()
    const res = await tmdb.get('/api/v1/movies/11')
    expect(res.status).toBe(200)
    const film = res.json()
    expect(film).toMatchObject({
      id: 11,
      title: 'Star Wars',
      runtime: 121,
      tagline: 'A long time ago in a galaxy far, far away...',
      director: 'George Lucas',
      genres: [{ id: 12, name: 'Adventure' }, { id: 28, name: 'Action' }, { id: 878, name: 'Science Fiction' }],
      genre_ids: [12, 28, 878],
      poster_url: `${IMAGE}/w500/6FfCtAuVAW8XJjZ7eWeLibRLWTw.jpg`,
      trailer: { site: 'YouTube', key: '1g3_CFmnU7k', url: 'https://www.youtube.com/watch?v=1g3_CFmnU7k' },
    })
    expect(film.cast).toHaveLength(15)
    expect(film.cast[0]).toEqual({ id: 819, name: 'Edward Norton', character: 'The Narrator', profile_url: `${IMAGE}/w185/8nytsqL59SFJTVYVrN72k6qkGgJ.jpg` })
    expect(film.crew[0]).toEqual({ id: 1, name: 'George Lucas', job: 'Director' })
    expect(film.similar.length).toBeGreaterThan(0)
    expect(film.similar.length).toBeLessThanOrEqual(12)
    expect(new Set(film.similar.map((m: { id: number }) => m.id)).size).toBe(film.similar.length)
    const stats = await fakeTmdb.stats()
    expect(stats.total).toBe(1)
    expect(stats.last!.query.append_to_response).toBe('credits,videos,similar,recommendations')
  })

  it('keeps missing images, dates and text as null instead of broken values', async () => {
    const film = (await tmdbHarness().get('/api/v1/movies/194')).json()
    expect(film).toMatchObject({
      title: 'Amélie',
      overview: '',
      release_date: null,
      poster_url: null,
      backdrop_url: null,
      runtime: null,
      tagline: null,
      director: null,
      trailer: null,
      similar: [],
    })
    expect(film.cast).toEqual([
      { id: 3, name: 'Audrey Tautou', character: null, profile_url: null },
      { id: 4, name: 'Mathieu Kassovitz', character: 'Nino Quincampoix', profile_url: `${IMAGE}/w185/kassovitz.jpg` },
    ])
  })

  it('keeps non-ASCII titles and markup in text as plain data, and only takes YouTube trailers', async () => {
    const res = await tmdbHarness().get('/api/v1/movies/129')
    expect(res.headers.get('Content-Type')).toContain('application/json')
    const film = res.json()
    expect(film.title).toBe('千と千尋の神隠し')
    expect(film.director).toBe('宮崎駿')
    expect(film.overview).toBe("<script>alert('x')</script> A young girl, Chihiro, becomes trapped in a strange new world of spirits & <b>gods</b>.")
    expect(film.trailer).toEqual({ site: 'YouTube', key: 'ByXuk9QqQkk', url: 'https://www.youtube.com/watch?v=ByXuk9QqQkk' })
    expect(film.similar).toEqual([expect.objectContaining({ id: 194, poster_url: null, release_date: null })])
  })

  it('answers an unknown film with 404 movie_not_found, and remembers it', async () => {
    const tmdb = tmdbHarness()
    for (let i = 0; i < 3; i++) {
      const res = await tmdb.get('/api/v1/movies/999999')
      expect(res.status).toBe(404)
      expect(res.json().error.code).toBe('movie_not_found')
    }
    expect((await fakeTmdb.stats()).total).toBe(1)
  })

  it('searches with pagination, 20 a page', async () => {
    const tmdb = tmdbHarness()
    const first = (await tmdb.get('/api/v1/movies/search?q=fight%20club')).json()
    expect(first.results).toHaveLength(20)
    expect(first.results[0].title).toBe('Fight Club')
    expect(first.total_results).toBeGreaterThan(40)
    const third = (await tmdb.get(`/api/v1/movies/search?q=fight%20club&page=${first.total_pages}`)).json()
    expect(third.page).toBe(first.total_pages)
    expect(third.results.length).toBe(first.total_results - 20 * (first.total_pages - 1))
    const unicode = (await tmdb.get(`/api/v1/movies/search?q=${encodeURIComponent('千と千尋')}`)).json()
    expect(unicode.results[0].title).toBe('千と千尋の神隠し')
  })

  it('passes year and language through to TMDB, and caches each language apart', async () => {
    const catalog = tmdbHarness().catalog()
    await catalog.search('fight', { year: 1999, language: 'de' })
    // The UI language goes to TMDB as its region code.
    expect((await fakeTmdb.stats()).last!.query).toMatchObject({ query: 'fight', year: '1999', language: 'de-DE' })
    await catalog.list('popular', { language: 'fr' })
    await catalog.list('popular', { language: 'es' })
    await catalog.list('popular', { language: 'fr' })
    expect((await fakeTmdb.stats()).byPath['/3/movie/popular']).toBe(2)
  })

  it("answers the seed's GET /movie/:title with TMDB's own search/movie JSON", async () => {
    const res = await tmdbHarness().get('/movie/Fight%20Club')
    expect(res.status).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ page: 1, total_pages: 4, total_results: 65 })
    expect(body.results[0]).toMatchObject({ id: 550, title: 'Fight Club', poster_path: '/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg', release_date: '1999-10-15' })
  })

  it('many() fetches several films and leaves unknown ids out', async () => {
    const movies = await tmdbHarness().catalog().many([11, 424242, 129])
    expect(movies.map((m) => m.id)).toEqual([11, 129])
  })
})
