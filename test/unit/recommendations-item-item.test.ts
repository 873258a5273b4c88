import { describe, expect, it } from 'vitest'
import { coOccurrenceDelta, neighbourList } from '../../src/recommendations'

/** The counters an event handler maintains, and the neighbour lists the daily cron derives from them. */

const liked = (...ids: number[]) => ids.map((id, i) => ({ id, at: 1000 + i }))
const pairsOf = (delta: ReturnType<typeof coOccurrenceDelta>) => delta.pairs.map(({ filmId, partnerId, delta: d }) => `${filmId}-${partnerId}:${d}`).sort()

describe('item-item maintenance', () => {
  it('a new like counts the film once and pairs it both ways with each other like', () => {
    const delta = coOccurrenceDelta(liked(1, 2), liked(1, 2, 3))
    expect(delta.likeCounts).toEqual([{ filmId: 3, delta: 1 }])
    expect(pairsOf(delta)).toEqual(['1-3:1', '2-3:1', '3-1:1', '3-2:1'])
  })

  it('an unlike undoes exactly what the like added', () => {
    const add = coOccurrenceDelta(liked(1, 2), liked(1, 2, 3))
    const remove = coOccurrenceDelta(liked(1, 2, 3), liked(1, 2))
    expect(remove.likeCounts).toEqual([{ filmId: 3, delta: -1 }])
    expect(pairsOf(remove)).toEqual(pairsOf(add).map((pair) => pair.replace(':1', ':-1')))
  })

  it('films liked in the same event are paired once, and nothing changes when nothing changed', () => {
    expect(pairsOf(coOccurrenceDelta([], liked(1, 2)))).toEqual(['1-2:1', '2-1:1'])
    expect(coOccurrenceDelta(liked(1, 2), liked(1, 2))).toEqual({ likeCounts: [], pairs: [] })
  })

  it('bounds the fan-out to the most recent likes', () => {
    const before = liked(...Array.from({ length: 200 }, (_, i) => i + 1))
    const delta = coOccurrenceDelta(before, [...before, { id: 999, at: 5000 }], 10)
    const partners = delta.pairs.filter((pair) => pair.filmId === 999).map((pair) => pair.partnerId)
    expect(partners.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 191 + i))
    expect(delta.pairs).toHaveLength(20)
  })

  it('ranks neighbours by cosine, shrinks thin evidence, drops non-positive counts and keeps the top K', () => {
    const likes: Record<number, number> = { 1: 100, 2: 100, 3: 4, 4: 50, 5: 10 }
    const counts = [
      { partnerId: 2, count: 60 },
      { partnerId: 3, count: 4 },
      { partnerId: 4, count: 10 },
      { partnerId: 5, count: -1 },
    ]
    const list = neighbourList(likes[1]!, counts, (id) => likes[id] ?? 0, { k: 2, shrinkage: 5, minCoCount: 1 })
    // Film 3's raw cosine (0.2) beats film 4's (0.14), but 4 co-likes are weak evidence next to 10.
    expect(list.map((n) => n.id)).toEqual([2, 4])
    expect(list[0]!.score).toBeCloseTo((60 / 100) * (60 / 65))
    expect(neighbourList(0, counts, () => 1)).toEqual([])
  })
})
