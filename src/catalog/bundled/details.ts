import type { Movie, MovieDetails } from '../types'
import type { Film } from './data'
import { genreNameIn, overviewIn } from './localized'
import { directorId } from './people'

/** Absolute URLs of a bundled film's generated artwork, on the worker that serves the request. */
export const posterPath = (id: number) => `/images/posters/${id}.png`
export const backdropPath = (id: number) => `/images/backdrops/${id}.png`

/** A bundled film as the contract's Movie; `language` picks the generated overview's language (titles stay as published). */
export function toMovie(film: Film, origin: string, language?: string): Movie {
  return {
    id: film.id,
    title: film.title,
    overview: overviewIn(film, language),
    release_date: film.releaseDate,
    poster_url: `${origin}${posterPath(film.id)}`,
    backdrop_url: `${origin}${backdropPath(film.id)}`,
    vote_average: film.rating ?? 0,
    vote_count: film.votes,
    genre_ids: film.genreIds,
  }
}

const SIMILAR_COUNT = 12

/**
 * Films like this one: 2 points per shared genre, 3 for the same director, up to 2 for release
 * within a few years of it (1 within ten); popularity breaks ties. Films with nothing in common are left out.
 */
export function similarTo(film: Film, films: readonly Film[]): Film[] {
  const score = (other: Film) => {
    let points = 2 * other.genreIds.filter((id) => film.genreIds.includes(id)).length
    if (film.director && other.director === film.director) points += 3
    if (points === 0) return 0
    if (film.year !== null && other.year !== null) {
      const gap = Math.abs(film.year - other.year)
      points += gap <= 3 ? 2 : gap <= 10 ? 1 : 0
    }
    return points
  }
  const scored: { other: Film; points: number }[] = []
  for (const other of films) {
    if (other.id === film.id) continue
    const points = score(other)
    if (points > 0) scored.push({ other, points })
  }
  scored.sort((a, b) => b.points - a.points || b.other.votes - a.other.votes || a.other.id - b.other.id)
  return scored.slice(0, SIMILAR_COUNT).map(({ other }) => other)
}

/**
 * similarTo, worked out once per film per isolate (on its first view) rather than by a scan of the whole
 * catalog per request. Bounded by the data: one entry of ≤ 12 references per bundled film (≈ 3,200
 * entries, well under 1 MB).
 */
const similarMemo = new WeakMap<readonly Film[], Map<number, readonly Film[]>>()
function similarOf(film: Film, films: readonly Film[]): readonly Film[] {
  let byFilm = similarMemo.get(films)
  if (!byFilm) similarMemo.set(films, (byFilm = new Map()))
  let similar = byFilm.get(film.id)
  if (!similar) byFilm.set(film.id, (similar = similarTo(film, films)))
  return similar
}

export function toDetails(film: Film, films: readonly Film[], origin: string, language?: string): MovieDetails {
  return {
    ...toMovie(film, origin, language),
    runtime: film.runtime,
    genres: film.genreIds.map((id) => ({ id, name: genreNameIn(id, language) ?? 'Other' })),
    tagline: null,
    director: film.director,
    // The dataset names no actors; an empty cast hides the section rather than inventing one.
    cast: [],
    crew: film.director ? [{ id: directorId(film.director)!, name: film.director, job: 'Director' }] : [],
    trailer: null,
    similar: similarOf(film, films).map((other) => toMovie(other, origin, language)),
  }
}

/**
 * A TMDB `search/movie` result object for a bundled film (the seed's GET /movie/:title). `poster_path` and
 * `backdrop_path` are paths on this worker (TMDB's are paths on its image CDN); `poster_url`/`backdrop_url`
 * give the absolute URLs. An unknown date is '' as TMDB sends it.
 */
export function toTmdbMovie(film: Film, origin: string, language?: string) {
  return {
    adult: false,
    backdrop_path: backdropPath(film.id),
    genre_ids: film.genreIds,
    id: film.id,
    original_title: film.title,
    overview: overviewIn(film, language),
    popularity: film.votes / 1000,
    poster_path: posterPath(film.id),
    release_date: film.releaseDate ?? '',
    title: film.title,
    video: false,
    vote_average: film.rating ?? 0,
    vote_count: film.votes,
    poster_url: `${origin}${posterPath(film.id)}`,
    backdrop_url: `${origin}${backdropPath(film.id)}`,
  }
}
