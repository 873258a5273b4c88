import type { Signal } from './types'

/** How much each kind of signal says about taste; tuned offline (docs/recommendations.md). */
export interface SignalOptions {
  /** Days after which a like counts half as much: recent taste predicts the next pick better. */
  halfLifeDays: number
  /** A list add. */
  listWeight: number
  /** A page view: weak evidence, the user may only have been curious. */
  viewWeight: number
  /** At most this many of the most recent likes seed a ranking (bounds neighbour look-ups). */
  maxSeeds: number
}

/**
 * Half-life: MovieLens' validation split prefers 7 days (~3 % over 30; 120+ is worse), but its
 * users rate in bursts; product likes spread over months, so 30 (docs/recommendations.md).
 */
export const DEFAULT_SIGNAL_OPTIONS: SignalOptions = { halfLifeDays: 30, listWeight: 1, viewWeight: 0.3, maxSeeds: 50 }

const DAY_MS = 86_400_000

/** A film the user likes (positive weight) or dislikes (negative), already decayed by age. */
export interface Seed {
  filmId: number
  weight: number
  at: number
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
  }
}

/** Films that must never be recommended: listed, rated (whatever the rating) or dismissed. */
export function excludedFilmIds(signals: readonly Signal[]): Set<number> {
  const excluded = new Set<number>()
  for (const signal of signals) if (signal.kind !== 'view') excluded.add(signal.filmId)
  return excluded
}

/**
 * One seed per film (its strongest signal wins: a rating over a view, the latest rating over an
 * older one), decayed by age relative to `now`, strongest first. Likes are capped at `maxSeeds`
 * (most recent first); dislikes are kept for the same films only.
 */
export function seedsOf(signals: readonly Signal[], now: number, options: SignalOptions = DEFAULT_SIGNAL_OPTIONS): Seed[] {
  const byFilm = new Map<number, { weight: number; at: number; rated: boolean }>()
  const dismissed = new Set<number>()
  for (const signal of signals) {
    if (signal.kind === 'dismiss') {
      dismissed.add(signal.filmId)
      continue
    }
    const weight = rawWeight(signal, options)
    const rated = signal.kind === 'rating'
    const previous = byFilm.get(signal.filmId)
    // A rating is the user's explicit word on a film and overrides list adds and views; among equals the latest wins.
    const wins = !previous || (rated && (!previous.rated || signal.at >= previous.at)) || (!previous.rated && !rated && weight > previous.weight)
    if (wins) byFilm.set(signal.filmId, { weight, at: Math.max(signal.at, previous?.at ?? 0), rated })
  }
  const decay = Math.LN2 / (options.halfLifeDays * DAY_MS)
  const seeds: Seed[] = []
  for (const [filmId, { weight, at }] of byFilm) {
    if (weight === 0 || dismissed.has(filmId)) continue
    seeds.push({ filmId, at, weight: weight * Math.exp(-decay * Math.max(0, now - at)) })
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
