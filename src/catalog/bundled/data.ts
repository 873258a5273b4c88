import dataset from './films.json'

/** One film's fields in films.json, as written by scripts/build-catalog.ts (arrays keep the file small). */
export type FilmData = [
  title: string,
  releaseDate: string | null,
  genreIds: number[],
  director: string | null,
  runtime: number | null,
  imdbRating: number | null,
  imdbVotes: number | null,
  rottenTomatoes: number | null,
  mpaa: string | null,
  source: string | null,
]

/** One row of films.json: the film's id, then its fields. */
export type FilmRow = [id: number, ...FilmData]

/** A film of the bundled catalog with everything ranking, search and rendering need. */
export interface Film {
  id: number
  title: string
  releaseDate: string | null
  year: number | null
  genreIds: number[]
  director: string | null
  runtime: number | null
  /** IMDb rating 0–10, or null when the dataset has none. */
  rating: number | null
  votes: number
  rottenTomatoes: number | null
  mpaa: string | null
  source: string | null
  overview: string
  /** The title folded for search: no accents, lower case, punctuation as spaces. */
  searchKey: string
}

export interface FilmIndex {
  films: readonly Film[]
  byId: ReadonlyMap<number, Film>
  /** The newest release date in the data: the default CATALOG_TODAY. */
  newestRelease: string
}

/** Folds text for matching: `Amélie` and `AMELIE` both become `amelie`; `Alien³` becomes `alien3`. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

const GENRE_ADJECTIVES: Record<number, string> = {
  28: 'action',
  12: 'adventure',
  35: 'comedy',
  99: 'documentary',
  18: 'drama',
  10751: 'family',
  14: 'fantasy',
  36: 'period',
  27: 'horror',
  10402: 'music',
  10749: 'romance',
  878: 'science fiction',
  53: 'thriller',
  37: 'western',
}

const SOURCES: Record<string, string> = {
  'Original Screenplay': 'From an original screenplay.',
  'Based on Book/Short Story': 'Based on a book or short story.',
  'Based on Play': 'Based on a play.',
  'Based on Short Film': 'Based on a short film.',
  Remake: 'A remake.',
  'Based on Comic/Graphic Novel': 'Based on a comic or graphic novel.',
  'Based on Real Life Events': 'Based on real events.',
  'Traditional/Legend/Fairytale': 'Based on a traditional tale or legend.',
  'Based on TV': 'Based on a television series.',
  'Based on Musical/Opera': 'Based on a musical or opera.',
  'Based on Game': 'Based on a game.',
  'Spin-Off': 'A spin-off.',
  'Based on Factual Book/Article': 'Based on a factual book or article.',
  'Based on Magazine Article': 'Based on a magazine article.',
  'Disney Ride': 'Based on a theme park ride.',
  'Based on Toy': 'Based on a toy.',
}

const thousands = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
const article = (word: string) => (/^[aeiou]/i.test(word) ? 'An' : 'A')

/**
 * An honest overview built only from the dataset's metadata (it has no plots):
 * "A 1994 drama film directed by Frank Darabont. Rated R · 142 min · IMDb 9.2 from 519,541 votes · Rotten Tomatoes 88%."
 */
export function overviewOf(film: Omit<Film, 'overview' | 'searchKey'>): string {
  const kinds = film.genreIds.map((id) => GENRE_ADJECTIVES[id]).filter((kind): kind is string => Boolean(kind))
  const described = [film.year ? String(film.year) : '', kinds.join(' and '), 'film'].filter(Boolean).join(' ')
  const first = `${article(described)} ${described}${film.director ? ` directed by ${film.director}` : ''}.`
  const facts = [
    film.mpaa && film.mpaa !== 'Open' ? (film.mpaa === 'Not Rated' ? 'Not rated' : `Rated ${film.mpaa}`) : '',
    film.runtime ? `${film.runtime} min` : '',
    film.rating !== null && film.votes > 0 ? `IMDb ${film.rating.toFixed(1)} from ${thousands(film.votes)} votes` : '',
    film.rottenTomatoes !== null ? `Rotten Tomatoes ${film.rottenTomatoes}%` : '',
  ].filter(Boolean)
  return [first, film.source ? SOURCES[film.source] ?? '' : '', facts.length ? `${facts.join(' · ')}.` : '']
    .filter(Boolean)
    .join(' ')
}

function toFilm(row: FilmRow): Film {
  const [id, title, releaseDate, genreIds, director, runtime, rating, votes, rottenTomatoes, mpaa, source] = row
  const base = {
    id,
    title,
    releaseDate,
    year: releaseDate ? Number(releaseDate.slice(0, 4)) : null,
    genreIds,
    director,
    runtime,
    rating,
    votes: votes ?? 0,
    rottenTomatoes,
    mpaa,
    source,
  }
  return { ...base, overview: overviewOf(base), searchKey: foldForSearch(title) }
}

let index: FilmIndex | undefined

/** The bundled films, decoded once per isolate (immutable after that). */
export function filmIndex(): FilmIndex {
  if (!index) {
    const films = (dataset.films as FilmRow[]).map(toFilm)
    index = {
      films,
      byId: new Map(films.map((film) => [film.id, film])),
      newestRelease: dataset.newest_release,
    }
  }
  return index
}
