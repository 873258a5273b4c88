import { describe, expect, it } from 'vitest'
import type { Catalog, Movie, MovieDetails } from '../../src/catalog/types'
import { recommend } from '../../src/recommendations'
import type { StoredPick } from '../../src/recommendations'
import { RecommendationService, visible, type RecommendationDeps } from '../../src/recommendations/service'
import { buildUniverse } from '../../src/recommendations/universe'

const movie = (id: number, genres: number[], title = `Film ${id}`): Movie => ({
  id,
  title,
  overview: '',
  release_date: '2001-01-01',
  poster_url: null,
  backdrop_url: null,
  vote_average: 7,
  vote_count: 100,
  genre_ids: genres,
})

const SCI_FI = 878
const COMEDY = 35
const page = (results: Movie[]) => ({ page: 1, total_pages: 1, total_results: results.length, results })

/** A catalog in which trending is all comedy and science fiction sits only in its genre list. */
function fakeCatalog(source: 'tmdb' | 'bundled'): Catalog {
  const comedies = Array.from({ length: 30 }, (_, i) => movie(100 + i, [COMEDY]))
  const sciFi = Array.from({ length: 30 }, (_, i) => movie(200 + i, [SCI_FI]))
  const all = new Map([...comedies, ...sciFi].map((m) => [m.id, m]))
  const details = (id: number): MovieDetails | null => {
    const m = all.get(id)
    if (!m) return null
    return { ...m, runtime: 100, genres: m.genre_ids.map((g) => ({ id: g, name: g === SCI_FI ? 'Science Fiction' : 'Comedy' })), tagline: null, director: id < 205 ? 'Same Director' : `Director ${id}`, cast: [], crew: [], trailer: null, similar: sciFi.slice(20, 25) }
  }
  return {
    source,
    list: async () => page(comedies),
    trending: async () => page(comedies),
    search: async () => page([]),
    details: async (id) => details(id),
    many: async (ids) => ids.flatMap((id) => (all.has(id) ? [all.get(id)!] : [])),
    genres: async () => [{ id: SCI_FI, name: 'Science Fiction' }, { id: COMEDY, name: 'Comedy' }],
    byGenre: async (id) => page(id === SCI_FI ? sciFi : comedies),
    searchRaw: async () => ({}),
    person: async () => null,
    searchPeople: async () => [],
  }
}

const pick = (id: number): StoredPick => ({ movie: movie(id, []), source: 'trending', because: null, reason: { code: 'trending', params: {} } })

describe('recommendations in the product (pure parts)', () => {
  it('ranks from the catalog: a sci-fi fan gets sci-fi from the genre lists although trending is all comedy', async () => {
    const now = Date.parse('2026-11-26T00:00:00Z')
    const signals = [200, 201, 202].map((filmId, i) => ({ kind: 'list' as const, filmId, at: now - i * 1000 }))
    const { context, movies } = await buildUniverse(fakeCatalog('bundled'), { seeds: [200, 201, 202], neighbours: new Map() })
    expect(context.tmdbRecommendations).toBeUndefined()
    const top = recommend(signals, now, context, { limit: 10 })
    expect(top.filter((r) => movies.get(r.id)!.genre_ids.includes(SCI_FI)).length).toBeGreaterThanOrEqual(7)
    for (const listed of [200, 201, 202]) expect(top.map((r) => r.id)).not.toContain(listed)
    // At most two films of one director in a row (the franchise proxy).
    expect(top.filter((r) => r.id >= 200 && r.id < 205).length).toBeLessThanOrEqual(2)
  })

  it("uses TMDB's recommendations of the seed films as a source only with a TMDB catalog", async () => {
    const { context } = await buildUniverse(fakeCatalog('tmdb'), { seeds: [200], neighbours: new Map() })
    expect(context.tmdbRecommendations?.(200).map((s) => s.id)).toEqual([220, 221, 222, 223, 224])
  })

  it('hides, on read, films dismissed or listed since the picks were computed, and rows left empty', () => {
    const stored = { top: [pick(1), pick(2), pick(3)], rows: [{ seed: { id: 9, title: 'Seed' }, items: [pick(4)] }], dismissed: { '2': true as const } }
    const shown = visible(stored, new Set([3, 4]))
    expect(shown.top.map((p) => p.movie.id)).toEqual([1])
    expect(shown.rows).toEqual([])
  })

  it("re-renders a remembered answer once a film is listed since (before the recompute lands), and never hands one user's to another", async () => {
    const item = { pk: 'p', sk: 's', top: [pick(1), pick(2), pick(3)], rows: [], dismissed: {}, computed_at: 1, expires_at: 4_000_000_000, version: 'v1' }
    const store = { picks: async (userId: string) => ({ ...item, top: userId === 'u1' ? item.top : [pick(7)] }) }
    const service = new RecommendationService({ store } as unknown as RecommendationDeps)
    const render = (rows: { top: StoredPick[] }) => rows.top.map((p) => p.movie.id).join(',')
    expect(await service.rendered('u1', new Set(), 'en', render)).toBe('1,2,3')
    expect(await service.rendered('u1', new Set([2]), 'en', render)).toBe('1,3')
    expect(await service.rendered('u1', new Set([2]), 'fr', (rows) => `fr:${render(rows)}`)).toBe('fr:1,3')
    expect(await service.rendered('u2', new Set(), 'en', render)).toBe('7')
  })
})
