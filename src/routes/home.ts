import type { Catalog, Genre } from '../catalog/types'
import type { HomeRow } from '../../views/pages/HomePage'

/** Posters per row: enough to scroll on a wide screen while keeping the home page small. */
export const ROW_SIZE = 10
/** Genre rows rendered with the page; the rest load as the visitor scrolls. */
export const FIRST_GENRE_ROWS = 2
export const LAZY_BATCH = 3

/** Genres in the order a streaming home page shows them; any others follow in catalog order. */
const PREFERRED = ['Action', 'Comedy', 'Drama', 'Thriller', 'Science Fiction', 'Adventure', 'Animation', 'Horror', 'Romance', 'Crime']

export function orderGenres(genres: Genre[]): Genre[] {
  const rank = (g: Genre) => {
    const i = PREFERRED.indexOf(g.name)
    return i === -1 ? PREFERRED.length : i
  }
  return [...genres].sort((a, b) => rank(a) - rank(b))
}

export async function genreRows(catalog: Catalog, genres: Genre[], options: { language?: string }): Promise<HomeRow[]> {
  const pages = await Promise.all(genres.map((g) => catalog.byGenre(g.id, options)))
  return genres.map((g, i) => ({
    id: `genre-${g.id}`,
    title: g.name,
    movies: (pages[i]?.results ?? []).slice(0, ROW_SIZE),
    moreHref: `/genres/${g.id}`,
  }))
}
