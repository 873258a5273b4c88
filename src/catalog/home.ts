import type { Catalog, CatalogOptions, Genre, Movie } from './types'

/** Posters per row: enough to scroll on a wide screen while keeping the home page small. */
export const ROW_SIZE = 10
/** Genre rows rendered with the page; the rest load as the visitor scrolls. */
export const FIRST_GENRE_ROWS = 2
export const LAZY_BATCH = 3

/** One row of posters on the home page. */
export interface HomeRow {
  id: string
  title: string
  movies: Movie[]
  moreHref?: string
}

/** The home page's own rows, in the order they appear; their titles are copy, supplied by the caller in the viewer's language. */
export type StandardRow = 'trending' | 'my-list' | 'popular' | 'top-rated' | 'now-playing'

export interface HomeModel {
  featured: Movie | null
  rows: HomeRow[]
  /** Every genre (the navigation menu). */
  genres: Genre[]
  /** Genre rows still to load as the visitor scrolls, and where the next batch comes from. */
  lazyGenres: Genre[]
  lazyHref?: string
}

/**
 * Genres in the order a streaming home page shows them, by TMDB genre id so every language gets the
 * same order (names are translated): Action, Comedy, Drama, Thriller, Science Fiction, Adventure,
 * Animation, Horror, Romance, Crime. Any others follow in catalog order.
 */
const PREFERRED = [28, 35, 18, 53, 878, 12, 16, 27, 10749, 80]

export function orderGenres(genres: Genre[]): Genre[] {
  const rank = (g: Genre) => {
    const i = PREFERRED.indexOf(g.id)
    return i === -1 ? PREFERRED.length : i
  }
  return [...genres].sort((a, b) => rank(a) - rank(b))
}

export async function genreRows(catalog: Catalog, genres: Genre[], options: CatalogOptions): Promise<HomeRow[]> {
  const pages = await Promise.all(genres.map((g) => catalog.byGenre(g.id, options)))
  return genres.map((g, i) => ({
    id: `genre-${g.id}`,
    title: g.name,
    movies: (pages[i]?.results ?? []).slice(0, ROW_SIZE),
    moreHref: `/genres/${g.id}`,
  }))
}

/**
 * Which rows the home page shows and in which order: trending (its first film with a backdrop is the
 * hero), the viewer's list, popular, top rated, new releases, then genre rows (two now, the rest lazily).
 * `myListRow` is the viewer's newest listed films (empty for a visitor).
 */
export async function homeModel(
  catalog: Catalog,
  options: CatalogOptions,
  myListRow: Promise<Movie[]> | Movie[],
  titles: Record<StandardRow, string>,
): Promise<HomeModel> {
  const [myList, trending, popular, topRated, nowPlaying, allGenres] = await Promise.all([
    myListRow,
    catalog.trending('week', options),
    catalog.list('popular', options),
    catalog.list('top_rated', options),
    catalog.list('now_playing', options),
    catalog.genres(options),
  ])
  const genres = orderGenres(allGenres)
  const firstGenres = await genreRows(catalog, genres.slice(0, FIRST_GENRE_ROWS), options)
  const standard: HomeRow[] = [
    { id: 'trending', title: titles.trending, movies: trending.results },
    ...(myList.length ? [{ id: 'my-list', title: titles['my-list'], movies: myList, moreHref: '/watchlist' }] : []),
    { id: 'popular', title: titles.popular, movies: popular.results },
    { id: 'top-rated', title: titles['top-rated'], movies: topRated.results },
    { id: 'now-playing', title: titles['now-playing'], movies: nowPlaying.results },
  ]
  return {
    featured: trending.results.find((m) => m.backdrop_url) ?? trending.results[0] ?? null,
    rows: [...standard.map((row) => ({ ...row, movies: row.movies.slice(0, ROW_SIZE) })), ...firstGenres],
    genres: allGenres,
    lazyGenres: genres.slice(FIRST_GENRE_ROWS),
    lazyHref: genres.length > FIRST_GENRE_ROWS ? `/home/rows?from=${FIRST_GENRE_ROWS}` : undefined,
  }
}
