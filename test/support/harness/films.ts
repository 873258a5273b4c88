import { SELF } from '@test/runtime'

export interface FilmJson {
  id: number
  title: string
  overview: string
  release_date: string | null
  poster_url: string | null
  backdrop_url: string | null
  vote_average: number
  vote_count: number
  genre_ids: number[]
}

export const MOVIE_KEYS = ['backdrop_url', 'genre_ids', 'id', 'overview', 'poster_url', 'release_date', 'title', 'vote_average', 'vote_count']

/** A film id no catalog has (TMDB ids this small exist, but the bundled catalog starts at 900000000). */
export const UNKNOWN_FILM = 1234

/** `count` distinct real films from the catalog, starting at list page `fromPage` (so tests can pick films apart from each other). */
export async function films(count: number, fromPage = 1, list = 'top_rated'): Promise<FilmJson[]> {
  const found: FilmJson[] = []
  for (let page = fromPage; found.length < count; page++) {
    const res = await SELF.fetch(`https://example.com/api/v1/movies/${list}?page=${page}`)
    if (res.status !== 200) throw new Error(`catalog list failed: ${res.status}`)
    const body = (await res.json()) as { results: FilmJson[]; total_pages: number }
    found.push(...body.results.filter((film) => !found.some((f) => f.id === film.id)))
    if (page >= body.total_pages) break
  }
  if (found.length < count) throw new Error(`only ${found.length} films in the catalog`)
  return found.slice(0, count)
}
