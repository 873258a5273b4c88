import { beforeEach, describe, expect, it } from 'vitest'
import type { CacheEntry } from '../../src/catalog/cache'
import type { CacheStore } from '../../src/platform'
import { fakeTmdb, tmdbHarness } from '../support/harness/tmdb'

/** The KV cache in front of TMDB, observed through the API and the fake server's request counts. */

// English pages ask TMDB for en-US: the language is part of the key.
const POPULAR_KEY = 'tmdb:v1:/movie/popular?language=en-US&page=1'
const ELEVEN_MINUTES = 11 * 60 * 1000

beforeEach(() => fakeTmdb.reset())

/** Makes the cached entry for `key` look `ageMs` old, keeping (or replacing) its body. */
async function age(cache: CacheStore, key: string, ageMs: number, body?: unknown) {
  const entry = (await cache.get<CacheEntry>(key))!
  expect(entry, key).toBeTruthy()
  await cache.put(key, JSON.stringify({ ...entry, body: body ?? entry.body, fetchedAt: Date.now() - ageMs }), { ttlSeconds: 86_400 })
}

describe('TMDB cache', () => {
  it('serves a repeated request from KV: 50 requests, one upstream call', async () => {
    const tmdb = tmdbHarness()
    for (let i = 0; i < 50; i++) expect((await tmdb.get('/api/v1/movies/popular')).status).toBe(200)
    expect((await fakeTmdb.stats()).total).toBe(1)
    const entry = await tmdb.cache.get<CacheEntry>(POPULAR_KEY)
    expect(entry?.fetchedAt).toBeLessThanOrEqual(Date.now())
  })

  it('keeps the credential out of the cache key and the stored entry', async () => {
    const tmdb = tmdbHarness()
    await tmdb.get('/api/v1/movies/popular')
    const raw = JSON.stringify(await tmdb.cache.get(POPULAR_KEY))
    expect(raw).toContain('"fetchedAt"')
    expect(raw).not.toContain('key-123')
  })

  it('coalesces concurrent misses for one key into one upstream call', async () => {
    const tmdb = tmdbHarness()
    await fakeTmdb.control('slow', { delayMs: 300 })
    const responses = await Promise.all(Array.from({ length: 10 }, () => tmdb.get('/api/v1/movies/11')))
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200))
    expect(new Set(responses.map((r) => r.body)).size).toBe(1)
    expect((await fakeTmdb.stats()).byPath['/3/movie/11']).toBe(1)
  })

  it('serves a stale entry at once, then refreshes it in the background', async () => {
    const tmdb = tmdbHarness()
    await tmdb.get('/api/v1/movies/popular')
    const stale = { page: 1, total_pages: 1, total_results: 1, results: [{ id: 77, title: 'Stale Film', overview: '', poster_path: null }] }
    await age(tmdb.cache, POPULAR_KEY, ELEVEN_MINUTES, stale)

    const { res, settle } = await tmdb.getUnsettled('/api/v1/movies/popular')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { results: { title: string }[] }).results[0]!.title).toBe('Stale Film')
    await settle()

    expect((await fakeTmdb.stats()).total).toBe(2)
    const refreshed = await tmdb.get('/api/v1/movies/popular')
    expect(refreshed.json().results[0].title).toBe('Ant-Man and the Wasp: Quantumania')
    expect((await fakeTmdb.stats()).total).toBe(2)
  })

  it('keeps answering 200 from cache while TMDB is down, fresh or stale', async () => {
    const tmdb = tmdbHarness()
    const paths = ['/api/v1/movies/popular', '/api/v1/movies/11', '/api/v1/genres', '/api/v1/movies/search?q=fight']
    const before = await Promise.all(paths.map((path) => tmdb.get(path)))
    await fakeTmdb.control('down')
    for (const [i, path] of paths.entries()) {
      const res = await tmdb.get(path)
      expect(res.status, path).toBe(200)
      expect(res.body, path).toBe(before[i]!.body)
    }
    await age(tmdb.cache, POPULAR_KEY, ELEVEN_MINUTES)
    const stale = await tmdb.get('/api/v1/movies/popular')
    expect(stale.status).toBe(200)
    expect(stale.body).toBe(before[0]!.body)
    // The failed refresh left the stale copy in place, and TMDB is not asked again right away.
    expect((await tmdb.cache.get<CacheEntry>(POPULAR_KEY))?.body).toBeTruthy()
    const calls = (await fakeTmdb.stats()).total
    expect((await tmdb.get('/api/v1/movies/popular')).status).toBe(200)
    expect((await fakeTmdb.stats()).total).toBe(calls)
  })

  it('answers 503 upstream_unavailable JSON when TMDB fails and nothing is cached', async () => {
    const tmdb = tmdbHarness({ timeoutMs: 200 })
    for (const [mode, path] of [
      ['down', '/api/v1/movies/popular'],
      ['500', '/api/v1/movies/top_rated'],
      ['slow', '/api/v1/movies/now_playing'],
    ] as const) {
      await fakeTmdb.control(mode, { delayMs: 1_000 })
      const res = await tmdb.get(path)
      expect(res.status, mode).toBe(503)
      expect(res.headers.get('Content-Type'), mode).toContain('application/json')
      expect(Number(res.headers.get('Retry-After')), mode).toBeGreaterThan(0)
      expect(res.json().error, mode).toMatchObject({ code: 'upstream_unavailable', request_id: expect.any(String) })
    }
  })

  it('retries once after a 429, honouring a short Retry-After', async () => {
    const tmdb = tmdbHarness()
    await fakeTmdb.control('429', { count: 1, retryAfter: '0' })
    const res = await tmdb.get('/api/v1/movies/popular')
    expect(res.status).toBe(200)
    expect((await fakeTmdb.stats()).byPath['/3/movie/popular']).toBe(2)
  })

  it('does not wait out a long Retry-After inside a request', async () => {
    const tmdb = tmdbHarness()
    await fakeTmdb.control('429', { retryAfter: '120' })
    const res = await tmdb.get('/api/v1/movies/popular')
    expect(res.status).toBe(503)
    expect((await fakeTmdb.stats()).byPath['/3/movie/popular']).toBe(1)
  })

  it('gives up on a second 429 after the one retry', async () => {
    const tmdb = tmdbHarness()
    await fakeTmdb.control('429', { retryAfter: '0' })
    const res = await tmdb.get('/api/v1/movies/popular')
    expect(res.status).toBe(503)
    expect((await fakeTmdb.stats()).byPath['/3/movie/popular']).toBe(2)
  })
})
