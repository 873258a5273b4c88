import type { TrendingWindow } from '../types'
import { foldForSearch, type Film } from './data'

/**
 * Ranking and search over the bundled films. Each list is defined so home-page rows differ:
 * popular = most voted; top rated = Bayesian average; trending = recent and voted, decayed by age;
 * now playing = the last 30 days (else the newest); upcoming = after today.
 */

export const PAGE_SIZE = 20
const MAX_PAGES = 500
const DAY_MS = 86_400_000

export interface Paged<T> {
  page: number
  total_pages: number
  total_results: number
  results: T[]
}

/** TMDB's pagination: 20 a page, at most 500 pages; a page past the end is empty. */
export function paginate<T>(items: readonly T[], page: number): Paged<T> {
  const totalPages = Math.min(MAX_PAGES, Math.ceil(items.length / PAGE_SIZE))
  const start = (page - 1) * PAGE_SIZE
  return {
    page,
    total_pages: totalPages,
    total_results: items.length,
    results: page <= totalPages ? items.slice(start, start + PAGE_SIZE) : [],
  }
}

const byPopularity = (a: Film, b: Film) => b.votes - a.votes || (b.rating ?? 0) - (a.rating ?? 0) || a.id - b.id

export function popular(films: readonly Film[]): Film[] {
  return [...films].sort(byPopularity)
}

/**
 * IMDb's weighted rating: (v·R + m·C) / (v + m), where C is the mean rating and m the vote count a film
 * needs before its own rating counts as much as the mean. A 9.0 from 12 votes stays near C.
 */
export const TOP_RATED_MIN_VOTES_WEIGHT = 10_000

export function topRated(films: readonly Film[]): Film[] {
  const rated = films.filter((film) => film.rating !== null && film.votes > 0)
  const mean = rated.reduce((sum, film) => sum + (film.rating ?? 0), 0) / Math.max(1, rated.length)
  const m = TOP_RATED_MIN_VOTES_WEIGHT
  const score = (film: Film) => (film.votes * (film.rating ?? 0) + m * mean) / (film.votes + m)
  const scored = rated.map((film) => ({ film, score: score(film) }))
  scored.sort((a, b) => b.score - a.score || byPopularity(a.film, b.film))
  return scored.map(({ film }) => film)
}

const time = (date: string) => Date.parse(`${date}T00:00:00Z`)

/**
 * Popular among films released in the window before today, weighted toward the newest:
 * votes / (1 + age in years). `day` looks at the last 2 years, `week` at the last 4. If a window
 * holds fewer than 40 films (an early CATALOG_TODAY), it widens until it does.
 */
export function trending(films: readonly Film[], today: string, window: TrendingWindow): Film[] {
  const now = time(today)
  const released = films.filter((film) => film.releaseDate !== null && time(film.releaseDate) <= now)
  let years = window === 'day' ? 2 : 4
  let candidates: Film[] = []
  for (; years <= 128; years *= 2) {
    const from = now - years * 365 * DAY_MS
    candidates = released.filter((film) => time(film.releaseDate!) > from)
    if (candidates.length >= 40) break
  }
  const ageYears = (film: Film) => (now - time(film.releaseDate!)) / (365 * DAY_MS)
  const halfLife = window === 'day' ? 0.5 : 1
  const score = (film: Film) => film.votes / (1 + ageYears(film) / halfLife)
  return candidates
    .map((film) => ({ film, score: score(film) }))
    .sort((a, b) => b.score - a.score || byPopularity(a.film, b.film))
    .map(({ film }) => film)
}

/** Released in the 30 days up to today, most popular first; with fewer than a page of those, the newest releases. */
export function nowPlaying(films: readonly Film[], today: string): Film[] {
  const now = time(today)
  const released = films.filter((film) => film.releaseDate !== null && time(film.releaseDate) <= now)
  const recent = released.filter((film) => time(film.releaseDate!) > now - 30 * DAY_MS)
  if (recent.length >= PAGE_SIZE) return recent.sort(byPopularity)
  return released.sort((a, b) => (a.releaseDate! < b.releaseDate! ? 1 : a.releaseDate! > b.releaseDate! ? -1 : byPopularity(a, b)))
}

/** Released after today, soonest first. */
export function upcoming(films: readonly Film[], today: string): Film[] {
  return films
    .filter((film) => film.releaseDate !== null && film.releaseDate > today)
    .sort((a, b) => (a.releaseDate! < b.releaseDate! ? -1 : a.releaseDate! > b.releaseDate! ? 1 : byPopularity(a, b)))
}

export function inGenre(films: readonly Film[], genreId: number): Film[] {
  return popular(films.filter((film) => film.genreIds.includes(genreId)))
}

/**
 * Case- and accent-insensitive title search, best match first:
 * exact title, then title prefix, then a word of the title starting with the query, then any substring,
 * then every query word somewhere in the title; popularity breaks ties within a tier.
 */
export function search(films: readonly Film[], query: string, year?: number): Film[] {
  const folded = foldForSearch(query)
  if (!folded) return []
  const words = folded.split(' ')
  const tier = (key: string): number => {
    if (key === folded) return 0
    if (key.startsWith(folded)) return 1
    if (key.includes(` ${folded}`)) return 2
    if (key.includes(folded)) return 3
    if (words.length > 1 && words.every((word) => key.includes(word))) return 4
    return -1
  }
  const matches: { film: Film; tier: number }[] = []
  for (const film of films) {
    if (year !== undefined && film.year !== year) continue
    const t = tier(film.searchKey)
    if (t >= 0) matches.push({ film, tier: t })
  }
  matches.sort((a, b) => a.tier - b.tier || byPopularity(a.film, b.film))
  return matches.map(({ film }) => film)
}
