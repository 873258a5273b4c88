import type { ContentIndex } from './content'
import { closestSeed, scoreByProfile } from './content'
import type { Seed } from './signals'
import type { NeighbourLookup, RecommendationsLookup, ScoredId } from './types'

/**
 * One source's opinion: a raw score per film and, where it has them, the seed film a score comes
 * from and the genre it matched. Plain number maps, not objects per film: a source may score the
 * whole catalog for every request.
 */
export interface CandidateMap {
  scores: Map<number, number>
  because?: Map<number, number>
  genre?: Map<number, number>
}

const emptyCandidates = (): CandidateMap => ({ scores: new Map() })

/** Content similarity to everything the user likes (dislikes pull similar films down). */
export function contentCandidates(index: ContentIndex, seeds: readonly Seed[]): CandidateMap {
  return { scores: scoreByProfile(index, seeds) }
}

/** Fills `because` for content candidates lazily: only the few films that make it into a row need it. */
export function contentBecause(index: ContentIndex, filmId: number, seeds: readonly Seed[]): number | null {
  return closestSeed(index, filmId, seeds)
}

/**
 * Sums weight(seed) × list score over the seeds' lists (item–item neighbours or TMDB's
 * recommendations); the seed that contributed most becomes `because`. Disliked seeds subtract.
 */
export function listCandidates(seeds: readonly Seed[], lookup: NeighbourLookup | RecommendationsLookup): CandidateMap {
  const scores = new Map<number, number>()
  const because = new Map<number, number>()
  const best = new Map<number, number>()
  for (const seed of seeds) {
    for (const { id, score } of lookup(seed.filmId)) {
      const contribution = seed.weight * score
      scores.set(id, (scores.get(id) ?? 0) + contribution)
      if (contribution > (best.get(id) ?? 0)) {
        best.set(id, contribution)
        because.set(id, seed.filmId)
      }
    }
  }
  for (const [id, score] of scores) if (score <= 0) scores.delete(id)
  return { scores, because }
}

/** A ranked list without scores (TMDB's order) gets a gently falling score: 1, 0.98, … */
export function rankScores(ids: readonly number[]): ScoredId[] {
  return ids.map((id, rank) => ({ id, score: 1 / (1 + rank * 0.02) }))
}

const trendingMemo = new WeakMap<readonly ScoredId[], CandidateMap>()

/** Trending films, scored by the trending list itself (normalised to its best entry); memoised per list. */
export function trendingCandidates(trending: readonly ScoredId[]): CandidateMap {
  const memo = trendingMemo.get(trending)
  if (memo) return memo
  const top = trending.reduce((max, { score }) => Math.max(max, score), 0)
  const candidates = emptyCandidates()
  if (top > 0) for (const { id, score } of trending) if (score > 0) candidates.scores.set(id, score / top)
  trendingMemo.set(trending, candidates)
  return candidates
}

/** How much the user likes each genre: the share of their positive weight on films of that genre. */
export function genreAffinity(index: ContentIndex, seeds: readonly Seed[]): Map<number, number> {
  const affinity = new Map<number, number>()
  let total = 0
  for (const seed of seeds) {
    if (seed.weight <= 0) continue
    const film = index.byId.get(seed.filmId)
    if (!film) continue
    total += seed.weight
    for (const genre of film.genreIds) affinity.set(genre, (affinity.get(genre) ?? 0) + seed.weight)
  }
  if (total > 0) for (const [genre, weight] of affinity) affinity.set(genre, weight / total)
  return affinity
}

/** Trending films in genres the user likes: trending score × the user's strongest matching genre. */
export function genreTrendingCandidates(index: ContentIndex, seeds: readonly Seed[], trending: readonly ScoredId[]): CandidateMap {
  const affinity = genreAffinity(index, seeds)
  const candidates: CandidateMap = { scores: new Map(), genre: new Map() }
  if (affinity.size === 0) return candidates
  for (const [id, score] of trendingCandidates(trending).scores) {
    let bestGenre: number | undefined
    let bestAffinity = 0
    for (const genre of index.byId.get(id)?.genreIds ?? []) {
      const value = affinity.get(genre) ?? 0
      if (value > bestAffinity) {
        bestAffinity = value
        bestGenre = genre
      }
    }
    if (bestGenre !== undefined) {
      candidates.scores.set(id, score * bestAffinity)
      candidates.genre!.set(id, bestGenre)
    }
  }
  return candidates
}
