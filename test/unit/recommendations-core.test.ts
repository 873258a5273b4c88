import { describe, expect, it } from 'vitest'
import type { FilmFeatures, RecommendContext, ScoredId, Signal } from '../../src/recommendations'
import { becauseYouLikedRows, buildContentIndex, recommend, seedFilmIds, seedsOf } from '../../src/recommendations'

/**
 * The ranking rules users notice: what is never shown (listed, rated, dismissed), what a new user
 * sees, why a film is suggested, and that a row is not one franchise.
 */

const SCIFI = 878
const THRILLER = 53
const COMEDY = 35
const DRAMA = 18
const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 25)

let nextId = 1
function film(title: string, genreIds: number[], extra: Partial<FilmFeatures> = {}): FilmFeatures {
  return { id: nextId++, title, genreIds, year: 2000, ...extra }
}

const scifi = Array.from({ length: 12 }, (_, i) => film(`Space ${i}`, [SCIFI], { director: `Director S${i}` }))
const thrillers = Array.from({ length: 8 }, (_, i) => film(`Chase ${i}`, [THRILLER], { director: `Director T${i}` }))
const comedies = Array.from({ length: 10 }, (_, i) => film(`Laugh ${i}`, [COMEDY], { director: `Director C${i}` }))
const dramas = Array.from({ length: 10 }, (_, i) => film(`Tears ${i}`, [DRAMA], { director: `Director D${i}` }))
const franchise = Array.from({ length: 8 }, (_, i) => film(`Star Saga ${i + 1}`, [SCIFI, 12], { director: 'Saga Maker', cast: ['Hero', 'Villain'], keywords: ['space opera'] }))
const catalog = [...scifi, ...thrillers, ...comedies, ...dramas, ...franchise]
const index = buildContentIndex(catalog)

/** Comedies and dramas are what is trending: a new user sees them, a sci-fi fan mostly does not. */
const trending: ScoredId[] = [...comedies, ...dramas].map((f, i) => ({ id: f.id, score: 100 - i }))

function context(neighbours: Record<number, ScoredId[]> = {}): RecommendContext {
  return { index, trending, neighbours: (id) => neighbours[id] ?? [] }
}

const listed = (f: FilmFeatures, daysAgo = 1): Signal => ({ kind: 'list', filmId: f.id, at: NOW - daysAgo * DAY })
const rated = (f: FilmFeatures, rating: number, daysAgo = 1): Signal => ({ kind: 'rating', filmId: f.id, at: NOW - daysAgo * DAY, rating })
const dismissed = (f: FilmFeatures): Signal => ({ kind: 'dismiss', filmId: f.id, at: NOW })
const watched = (f: FilmFeatures, state: 'watched' | 'resumed' | 'abandoned', daysAgo = 1): Signal => ({ kind: 'watch', filmId: f.id, at: NOW - daysAgo * DAY, state })
const ids = (picks: Array<{ id: number }>) => picks.map((pick) => pick.id)

describe('recommender core', () => {
  it('shows a user with no signal what is trending, labelled as trending', () => {
    const picks = recommend([], NOW, context(), { limit: 10 })
    expect(picks).toHaveLength(10)
    expect(new Set(picks.map((pick) => pick.source))).toEqual(new Set(['trending']))
    expect(picks.every((pick) => pick.because === null && pick.reason.code === 'trending')).toBe(true)
    expect(ids(picks)).toContain(comedies[0]!.id)
  })

  it('after a first like, suggests films like it, saying which film they are similar to', () => {
    const picks = recommend([listed(scifi[0]!)], NOW, context(), { limit: 6 })
    const top = picks.slice(0, 3)
    for (const pick of top) {
      expect(catalog.find((f) => f.id === pick.id)!.genreIds).toContain(SCIFI)
      expect(pick.source).toBe('similar')
      expect(pick.because).toEqual({ id: scifi[0]!.id, title: 'Space 0' })
      expect(pick.reason).toEqual({ code: 'similar_to', params: { title: 'Space 0' } })
    }
  })

  it('never returns a film that is listed, rated (even middling) or dismissed', () => {
    const signals: Signal[] = [listed(scifi[0]!), listed(scifi[1]!), rated(scifi[2]!, 5), rated(thrillers[0]!, 2), dismissed(scifi[3]!), dismissed(comedies[0]!)]
    const neighbours = { [scifi[0]!.id]: [scifi[1]!, scifi[2]!, scifi[3]!, thrillers[0]!, scifi[4]!].map((f) => ({ id: f.id, score: 0.9 })) }
    const picks = recommend(signals, NOW, context(neighbours), { limit: 30 })
    expect(picks.length).toBeGreaterThan(10)
    for (const f of [scifi[0]!, scifi[1]!, scifi[2]!, scifi[3]!, thrillers[0]!, comedies[0]!]) expect(ids(picks)).not.toContain(f.id)
    expect(ids(picks)).toContain(scifi[4]!.id)
  })

  it('a dismissed film stays out of every personal row, even as a strong neighbour of every like', () => {
    const target = scifi[5]!
    const neighbours = Object.fromEntries(scifi.slice(0, 3).map((f) => [f.id, [{ id: target.id, score: 1 }]]))
    const signals: Signal[] = [listed(scifi[0]!), listed(scifi[1]!), listed(scifi[2]!)]
    expect(ids(recommend(signals, NOW, context(neighbours)))).toContain(target.id)
    const after = [...signals, dismissed(target)]
    expect(ids(recommend(after, NOW, context(neighbours)))).not.toContain(target.id)
    for (const row of becauseYouLikedRows(after, NOW, context(neighbours))) expect(ids(row.items)).not.toContain(target.id)
    // A view after the dismissal does not bring it back.
    const viewed: Signal[] = [...after, { kind: 'view', filmId: target.id, at: NOW }]
    expect(ids(recommend(viewed, NOW, context(neighbours)))).not.toContain(target.id)
  })

  it('does not let one franchise fill a row', () => {
    const signals = [listed(franchise[0]!), listed(franchise[1]!)]
    const picks = recommend(signals, NOW, context(), { limit: 8 })
    expect(picks).toHaveLength(8)
    const saga = picks.filter((pick) => franchise.some((f) => f.id === pick.id))
    expect(saga.length).toBeGreaterThan(0)
    expect(saga.length).toBeLessThanOrEqual(2)
  })

  it('does not let one genre fill a row when others are liked too', () => {
    const signals = [...scifi.slice(0, 3).map((f) => listed(f)), rated(thrillers[0]!, 9)]
    const picks = recommend(signals, NOW, context(), { limit: 10 })
    const genres = picks.map((pick) => catalog.find((f) => f.id === pick.id)!.genreIds[0])
    expect(genres.filter((genre) => genre === SCIFI).length).toBeLessThanOrEqual(6)
    expect(genres).toContain(THRILLER)
    // Mostly what the user likes, not what everyone watches.
    expect(genres.filter((genre) => genre === SCIFI || genre === THRILLER || genre === 12).length).toBeGreaterThanOrEqual(7)
  })

  it('recommends what fans of a liked film liked, naming that film, and weighs recent likes more', () => {
    const oldLike = dramas[0]!
    const newLike = comedies[0]!
    const neighbours = { [oldLike.id]: [{ id: thrillers[5]!.id, score: 0.8 }], [newLike.id]: [{ id: scifi[9]!.id, score: 0.8 }] }
    const signals = [listed(oldLike, 400), listed(newLike, 2)]
    const picks = recommend(signals, NOW, context(neighbours), { limit: 2, weights: { collaborative: 1, content: 0, tmdb: 0, genre: 0, trending: 0 } })
    expect(ids(picks).slice(0, 2)).toEqual([scifi[9]!.id, thrillers[5]!.id])
    expect(picks[0]).toMatchObject({ source: 'collaborative', because: { id: newLike.id, title: newLike.title }, reason: { code: 'liked_by_fans_of', params: { title: newLike.title } } })
  })

  it('labels trending films in a liked genre with that genre', () => {
    const picks = recommend([listed(comedies[9]!)], NOW, context(), { limit: 5, weights: { collaborative: 0, content: 0, tmdb: 0, genre: 1, trending: 0 } })
    expect(picks[0]).toMatchObject({ id: comedies[0]!.id, source: 'genre', because: null, reason: { code: 'trending_in_genre', params: { genreId: COMEDY } } })
  })

  it('uses TMDB recommendations as one more "similar" source when present', () => {
    const ctx = { ...context(), tmdbRecommendations: (id: number) => (id === dramas[1]!.id ? [{ id: thrillers[7]!.id, score: 1 }] : []) }
    const picks = recommend([rated(dramas[1]!, 10)], NOW, ctx, { limit: 5, weights: { collaborative: 0, content: 0, tmdb: 1, genre: 0, trending: 0 } })
    expect(picks[0]).toMatchObject({ id: thrillers[7]!.id, source: 'similar', because: { id: dramas[1]!.id } })
  })

  it('builds up to two "Because you liked" rows from the latest likes, without repeating a film', () => {
    const signals = [listed(scifi[0]!, 30), listed(thrillers[0]!, 3), rated(comedies[0]!, 8, 1)]
    const rows = becauseYouLikedRows(signals, NOW, context(), { limit: 4, alsoExclude: [comedies[1]!.id] })
    expect(rows.map((row) => row.seed.title)).toEqual(['Laugh 0', 'Chase 0'])
    const all = rows.flatMap((row) => ids(row.items))
    expect(new Set(all).size).toBe(all.length)
    expect(all).not.toContain(comedies[1]!.id)
    for (const item of rows[0]!.items) expect(item.because).toEqual({ id: comedies[0]!.id, title: 'Laugh 0' })
  })

  it('takes watch history as taste: a film watched to the end says "Because you watched", and is never suggested again', () => {
    const picks = recommend([watched(thrillers[0]!, 'watched')], NOW, context(), { limit: 6 })
    expect(ids(picks)).not.toContain(thrillers[0]!.id)
    const top = picks.slice(0, 3)
    for (const pick of top) {
      expect(catalog.find((f) => f.id === pick.id)!.genreIds).toContain(THRILLER)
      expect(pick.reason).toEqual({ code: 'because_watched', params: { title: 'Chase 0' } })
    }
    const rows = becauseYouLikedRows([watched(thrillers[0]!, 'watched'), listed(scifi[0]!, 5)], NOW, context(), { limit: 4 })
    expect(rows.map((row) => [row.seed.title, row.seed.watched])).toEqual([['Chase 0', true], ['Space 0', undefined]])
  })

  it('weighs watched over resumed over a list add, takes an abandoned film as a weak dislike, and lets a rating overrule', () => {
    const weight = (signals: Signal[]) => seedsOf(signals, NOW).find((seed) => seed.filmId === scifi[0]!.id)?.weight ?? 0
    const [full, part, list, left] = [weight([watched(scifi[0]!, 'watched', 0)]), weight([watched(scifi[0]!, 'resumed', 0)]), weight([listed(scifi[0]!, 0)]), weight([watched(scifi[0]!, 'abandoned', 0)])]
    expect(full).toBeGreaterThan(list)
    expect(part).toBeGreaterThan(0)
    expect(part).toBeLessThan(list)
    expect(left).toBeLessThan(0)
    expect(left).toBeGreaterThan(weight([rated(scifi[0]!, 1, 0)]))
    // Listed, then left after a few minutes: the abandonment speaks; rated 10 afterwards: the rating does.
    expect(weight([listed(scifi[0]!, 3), watched(scifi[0]!, 'abandoned', 2)])).toBeLessThan(0)
    expect(weight([watched(scifi[0]!, 'abandoned', 2), rated(scifi[0]!, 10, 1)])).toBeGreaterThan(full)
    // An abandoned film pulls similar ones down: another sci-fi fan's picks, with and without it.
    const liked = [listed(scifi[1]!, 1), listed(comedies[0]!, 1)]
    const score = (signals: Signal[]) => recommend(signals, NOW, context(), { limit: 40 }).find((pick) => pick.id === scifi[2]!.id)?.score ?? 0
    expect(score([...liked, watched(scifi[0]!, 'abandoned', 10)])).toBeLessThan(score(liked))
  })

  it('tells the caller which neighbour lists to prefetch: liked films only, most recent first, bounded', () => {
    const signals = [listed(scifi[0]!, 5), rated(scifi[1]!, 3), rated(scifi[2]!, 9, 1), dismissed(scifi[4]!)]
    expect(seedFilmIds(signals, NOW)).toEqual([scifi[2]!.id, scifi[0]!.id])
  })
})
