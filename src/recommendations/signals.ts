import type { Signal } from './types'

/** How much each kind of signal says about taste; tuned offline (docs/recommendations.md). */
export interface SignalOptions {
  /** Days after which a like counts half as much: recent taste predicts the next pick better. */
  halfLifeDays: number
  /** A list add. */
  listWeight: number
  /** A page view: weak evidence, the user may only have been curious. */
  viewWeight: number
  /** Watched to the end: stronger than a list add (time spent, not an intention). */
  watchedWeight: number
  /** Watched part-way (in Continue watching): a like. */
  resumedWeight: number
  /** Left early and not touched for a week: a weak dislike. */
  abandonedWeight: number
  /** At most this many of the most recent likes seed a ranking (bounds neighbour look-ups). */
  maxSeeds: number
}

/**
 * Half-life: MovieLens' validation split prefers 7 days (~3 % over 30; 120+ is worse), but its
 * users rate in bursts; product likes spread over months, so 30 (docs/recommendations.md).
 */
export const DEFAULT_SIGNAL_OPTIONS: SignalOptions = {
  halfLifeDays: 30,
  listWeight: 1,
  viewWeight: 0.3,
  // MovieLens has no watch data (docs/recommendations.md): set by judgement, between a list add and a 10/10 rating.
  watchedWeight: 1.25,
  resumedWeight: 0.6,
  abandonedWeight: -0.3,
  maxSeeds: 50,
}

const DAY_MS = 86_400_000

/** A film the user likes (positive weight) or dislikes (negative), already decayed by age. */
export interface Seed {
  filmId: number
  weight: number
  at: number
  /** What the strongest signal was (a watched film's picks say "Because you watched …"). */
  kind?: Signal['kind']
}

/** Rating 1–10 → preference: ≥ 7 likes (7: 0.75 … 10: 1.5), ≤ 4 dislikes, 5–6 nothing. */
export function ratingPreference(rating: number): number {
  if (rating >= 7) return 0.5 + (rating - 6) * 0.25
  if (rating <= 4) return -0.25 * (5 - rating)
  return 0
}

function rawWeight(signal: Signal, options: SignalOptions): number {
  switch (signal.kind) {
    case 'list':
      return options.listWeight
    case 'rating':
      return ratingPreference(signal.rating)
    case 'view':
      return options.viewWeight
    case 'dismiss':
      return 0
    case 'watch':
      return signal.state === 'watched' ? options.watchedWeight : signal.state === 'resumed' ? options.resumedWeight : options.abandonedWeight
  }
}

/** Which signal speaks for a film: a rating (the user's explicit word) over watching, watching over list adds and views. */
const RANK: Record<Signal['kind'], number> = { rating: 3, watch: 2, list: 1, view: 1, dismiss: 0 }

/** Films that must never be recommended: listed, rated (whatever the rating), dismissed, or watched here (in any state). */
export function excludedFilmIds(signals: readonly Signal[]): Set<number> {
  const excluded = new Set<number>()
  for (const signal of signals) if (signal.kind !== 'view') excluded.add(signal.filmId)
  return excluded
}

/**
 * One seed per film (its strongest signal wins: a rating over watching over a list add or a view, the latest rating or
 * watch over an older one), decayed by age relative to `now`, strongest first. Likes are capped at `maxSeeds`
 * (most recent first); dislikes are kept for the same films only.
 */
export function seedsOf(signals: readonly Signal[], now: number, options: SignalOptions = DEFAULT_SIGNAL_OPTIONS): Seed[] {
  const byFilm = new Map<number, { weight: number; at: number; rank: number; kind: Signal['kind'] }>()
  const dismissed = new Set<number>()
  for (const signal of signals) {
    if (signal.kind === 'dismiss') {
      dismissed.add(signal.filmId)
      continue
    }
    const weight = rawWeight(signal, options)
    const rank = RANK[signal.kind]
    const previous = byFilm.get(signal.filmId)
    // A rating is the user's explicit word on a film, watching its behaviour: each overrides what ranks below it;
    // among ratings or watches the latest wins, among list adds and views the stronger.
    const wins = !previous || rank > previous.rank || (rank === previous.rank && (rank >= 2 ? signal.at >= previous.at : weight > previous.weight))
    if (wins) byFilm.set(signal.filmId, { weight, at: Math.max(signal.at, previous?.at ?? 0), rank, kind: signal.kind })
  }
  const decay = Math.LN2 / (options.halfLifeDays * DAY_MS)
  const seeds: Seed[] = []
  for (const [filmId, { weight, at, kind }] of byFilm) {
    if (weight === 0 || dismissed.has(filmId)) continue
    seeds.push({ filmId, at, kind, weight: weight * Math.exp(-decay * Math.max(0, now - at)) })
  }
  const likes = seeds.filter((seed) => seed.weight > 0).sort((a, b) => b.at - a.at || a.filmId - b.filmId).slice(0, options.maxSeeds)
  const dislikes = seeds.filter((seed) => seed.weight < 0).sort((a, b) => b.at - a.at).slice(0, options.maxSeeds)
  return [...likes, ...dislikes].sort((a, b) => b.weight - a.weight || b.at - a.at)
}

/** The films whose neighbour / TMDB lists a caller should prefetch before calling `recommend`. */
export function seedFilmIds(signals: readonly Signal[], now: number, options: SignalOptions = DEFAULT_SIGNAL_OPTIONS): number[] {
  return seedsOf(signals, now, options)
    .filter((seed) => seed.weight > 0)
    .map((seed) => seed.filmId)
}
