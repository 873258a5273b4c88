import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config'
import { clientIp, type ErrorJson } from '../../support/harness/accounts'
import { fakeTmdb, tmdbHarness } from '../../support/harness/tmdb'

const search = (harness: ReturnType<typeof tmdbHarness>, q: string, ip: string) =>
  harness.get(`/api/v1/movies/search?q=${encodeURIComponent(q)}`, { headers: { 'CF-Connecting-IP': ip } })

/** F14: uncached TMDB look-ups are limited per client, so scripted unique queries cannot burn the TMDB key. */
describe('CATALOG_MISS_LIMIT (F14)', { timeout: 60_000 }, () => {
  it('should default to 600, accept 0 (off) and refuse nonsense', () => {
    expect(parseConfig({}).CATALOG_MISS_LIMIT).toBe(600)
    expect(parseConfig({ CATALOG_MISS_LIMIT: '0' }).CATALOG_MISS_LIMIT).toBe(0)
    expect(() => parseConfig({ CATALOG_MISS_LIMIT: '-1' })).toThrow(/CATALOG_MISS_LIMIT/)
    expect(() => parseConfig({ CATALOG_MISS_LIMIT: 'lots' })).toThrow(/CATALOG_MISS_LIMIT/)
  })

  it('should answer 429 with Retry-After past the limit of uncached look-ups, never for cached answers or other clients', async () => {
    const harness = tmdbHarness({ vars: { CATALOG_MISS_LIMIT: '3' } })
    await fakeTmdb.reset()
    const ip = clientIp()
    const tag = crypto.randomUUID().slice(0, 8)
    for (const q of ['alpha', 'beta', 'gamma']) expect((await search(harness, `${q} ${tag}`, ip)).status).toBe(200)
    const before = (await fakeTmdb.stats()).total

    const limited = await search(harness, `delta ${tag}`, ip)
    expect(limited.status).toBe(429)
    expect(limited.json<ErrorJson>().error.code).toBe('rate_limited')
    const retryAfter = Number(limited.headers.get('Retry-After'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(600)
    // The refused look-up never reached TMDB.
    expect((await fakeTmdb.stats()).total).toBe(before)

    // Cached answers are never limited.
    for (let i = 0; i < 5; i++) expect((await search(harness, `alpha ${tag}`, ip)).status).toBe(200)
    // Another client has its own budget.
    expect((await search(harness, `delta ${tag}`, clientIp())).status).toBe(200)
  })

  it('should count a burst for one new resource as one miss: every request answered, one TMDB call', async () => {
    const harness = tmdbHarness({ vars: { CATALOG_MISS_LIMIT: '3' } })
    await fakeTmdb.reset()
    await fakeTmdb.control('slow', { delayMs: 300 })
    try {
      const ip = clientIp()
      const tag = crypto.randomUUID().slice(0, 8)
      const burst = await Promise.all(Array.from({ length: 12 }, () => search(harness, `burst ${tag}`, ip)))
      expect(burst.map((res) => res.status)).toEqual(Array(12).fill(200))
      expect(new Set(burst.map((res) => res.body)).size).toBe(1)
      expect((await fakeTmdb.stats()).total).toBe(1)
      // The burst used one of the client's three misses: two more new look-ups pass, the next is refused.
      for (const q of ['one', 'two']) expect((await search(harness, `${q} ${tag}`, ip)).status).toBe(200)
      expect((await search(harness, `three ${tag}`, ip)).status).toBe(429)
    } finally {
      await fakeTmdb.reset()
    }
  })

  it('should not limit with CATALOG_MISS_LIMIT=0', async () => {
    const harness = tmdbHarness({ vars: { CATALOG_MISS_LIMIT: '0' } })
    const ip = clientIp()
    const tag = crypto.randomUUID().slice(0, 8)
    for (let i = 0; i < 6; i++) expect((await search(harness, `film ${i} ${tag}`, ip)).status).toBe(200)
  })
})
