import type { ScoredId } from './types'

/**
 * Incremental item–item collaborative filtering, as pure functions an event handler and the
 * daily cron call: a like event yields co-occurrence count deltas (written with atomic ADDs to
 * per-film counter items), and the cron turns a film's counters into a bounded neighbour list.
 * Nothing needs a scan: each event touches at most `maxPartners + 1` films.
 */

/** A film the user likes, with when they liked it (epoch ms). */
export interface LikedFilm {
  id: number
  at: number
}

export interface CoOccurrenceDelta {
  /** How many users like the film: +1 / −1. */
  likeCounts: Array<{ filmId: number; delta: number }>
  /** Directed pair counts (both directions are listed), so each film's counter item is updated alone. */
  pairs: Array<{ filmId: number; partnerId: number; delta: number }>
}

/**
 * Pairing cap: a new like is paired with at most this many of the user's other likes, the most
 * recent first (bounded write fan-out; recent likes also say more about current taste).
 */
export const DEFAULT_MAX_PARTNERS = 50

function mostRecent(films: Iterable<LikedFilm>, excluding: ReadonlySet<number>, limit: number): LikedFilm[] {
  return [...films]
    .filter((film) => !excluding.has(film.id))
    .sort((a, b) => b.at - a.at || a.id - b.id)
    .slice(0, limit)
}

/**
 * The counter changes for one user going from `before` to `after` liked sets. An added film is
 * paired with the user's other likes in `after`; a removed one is unpaired from their likes in
 * `before` (same cap; a pair once counted beyond the cap may be decremented without having been
 * counted, so readers clamp counts at zero). Films added together are paired once.
 */
export function coOccurrenceDelta(before: readonly LikedFilm[], after: readonly LikedFilm[], maxPartners = DEFAULT_MAX_PARTNERS): CoOccurrenceDelta {
  const beforeIds = new Set(before.map((film) => film.id))
  const afterIds = new Set(after.map((film) => film.id))
  const added = after.filter((film) => !beforeIds.has(film.id))
  const removed = before.filter((film) => !afterIds.has(film.id))
  const likeCounts = [...added.map((film) => ({ filmId: film.id, delta: 1 })), ...removed.map((film) => ({ filmId: film.id, delta: -1 }))]
  // filmId → partnerId → delta (nested number maps: cheaper than string keys for hot replays).
  const pairDeltas = new Map<number, Map<number, number>>()
  const bump = (filmId: number, partnerId: number, delta: number) => {
    const row = pairDeltas.get(filmId) ?? new Map<number, number>()
    row.set(partnerId, (row.get(partnerId) ?? 0) + delta)
    pairDeltas.set(filmId, row)
  }
  const addPair = (a: number, b: number, delta: number) => {
    bump(a, b, delta)
    bump(b, a, delta)
  }
  const pairAll = (changed: readonly LikedFilm[], pool: readonly LikedFilm[], delta: number) => {
    const done = new Set<number>()
    for (const film of changed) {
      // Skip itself and films changed in this same event that were already paired with it.
      done.add(film.id)
      for (const partner of mostRecent(pool, done, maxPartners)) addPair(film.id, partner.id, delta)
    }
  }
  pairAll(added, after, 1)
  pairAll(removed, before, -1)
  const pairs: CoOccurrenceDelta['pairs'] = []
  for (const [filmId, row] of pairDeltas) for (const [partnerId, delta] of row) if (delta !== 0) pairs.push({ filmId, partnerId, delta })
  return { likeCounts, pairs }
}

export interface NeighbourOptions {
  /** Keep the best K neighbours per film (bounds the item's size and the read). */
  k: number
  /** Shrinks similarities supported by few co-likes towards 0: score × co / (co + shrinkage). */
  shrinkage: number
  /** Pairs liked together fewer times than this are noise. */
  minCoCount: number
}

export const DEFAULT_NEIGHBOUR_OPTIONS: NeighbourOptions = { k: 50, shrinkage: 5, minCoCount: 1 }

/**
 * A film's top-K neighbours from its co-occurrence counters: cosine co(a,b) / √(n_a · n_b) on
 * binary likes, shrunk by the support. `likeCountOf` answers n for any partner.
 */
export function neighbourList(
  filmLikes: number,
  coCounts: Iterable<{ partnerId: number; count: number }>,
  likeCountOf: (filmId: number) => number,
  options: NeighbourOptions = DEFAULT_NEIGHBOUR_OPTIONS,
): ScoredId[] {
  const scored: ScoredId[] = []
  if (filmLikes <= 0) return scored
  for (const { partnerId, count } of coCounts) {
    if (count < options.minCoCount || count <= 0) continue
    const partnerLikes = likeCountOf(partnerId)
    if (partnerLikes <= 0) continue
    const cosine = count / Math.sqrt(filmLikes * partnerLikes)
    scored.push({ id: partnerId, score: (cosine * count) / (count + options.shrinkage) })
  }
  return scored.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, options.k)
}
