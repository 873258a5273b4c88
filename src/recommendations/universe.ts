import type { Catalog, CatalogOptions, Movie, MovieDetails } from '../catalog/types'
import { buildContentIndex } from './content'
import type { RecommendContext } from './recommend'
import { rankScores } from './sources'
import type { FilmFeatures, ScoredId } from './types'

/**
 * The films a ranking may choose from, read through the catalog service (KV-cached TMDB or the
 * bundled catalog): trending, popular and top-rated lists, the user's favourite genres, the seed
 * films' details (director, cast: content features; TMDB's recommendations with a credential)
 * and the films their item–item neighbours name. Bounded: a few list pages and at most
 * DETAIL_SEEDS details per computation; never on a page's request path (picks are precomputed).
 */
export interface Universe {
  context: RecommendContext
  /** The film snapshot of every candidate, for the stored cards. */
  movies: Map<number, Movie>
}

const DETAIL_SEEDS = 6
const GENRE_ROWS = 3
const LIST_PAGES = 2
const EXTRA_FILMS = 80

const featuresOf = (movie: Movie, details?: MovieDetails | null): FilmFeatures => ({
  id: movie.id,
  title: movie.title,
  genreIds: details ? details.genres.map((genre) => genre.id) : movie.genre_ids,
  year: movie.release_date ? Number(movie.release_date.slice(0, 4)) || null : null,
  director: details?.director ?? null,
  cast: details?.cast.map((member) => member.name) ?? [],
})

const pages = <T>(count: number, read: (page: number) => Promise<{ results: T[] }>) =>
  Promise.all(Array.from({ length: count }, (_, i) => read(i + 1).catch(() => ({ results: [] as T[] })))).then((all) => all.flatMap((page) => page.results))

export interface UniverseInput {
  /** Liked films, most recent first (seedFilmIds). */
  seeds: readonly number[]
  /** Item–item neighbours of the seeds (prefetched from the table). */
  neighbours: ReadonlyMap<number, readonly ScoredId[]>
  options?: CatalogOptions
}

export async function buildUniverse(catalog: Catalog, input: UniverseInput): Promise<Universe> {
  const { seeds, neighbours, options } = input
  const detailSeeds = seeds.slice(0, DETAIL_SEEDS)
  const [trending, popular, topRated, details] = await Promise.all([
    pages(LIST_PAGES, (page) => catalog.trending('week', { ...options, page })),
    pages(LIST_PAGES, (page) => catalog.list('popular', { ...options, page })),
    pages(1, (page) => catalog.list('top_rated', { ...options, page })),
    Promise.all(detailSeeds.map((id) => catalog.details(id, options).catch(() => null))),
  ])
  const movies = new Map<number, Movie>()
  const detailed = new Map<number, MovieDetails>()
  const add = (movie: Movie) => void (movies.has(movie.id) || movies.set(movie.id, movie))
  for (const found of details) if (found) detailed.set(found.id, found)
  for (const movie of [...trending, ...popular, ...topRated, ...detailed.values()]) add(movie)
  for (const found of detailed.values()) found.similar.forEach(add)

  // The user's favourite genres (by the seeds' details), a couple of pages each.
  const genreCounts = new Map<number, number>()
  for (const found of detailed.values()) for (const genre of found.genres) genreCounts.set(genre.id, (genreCounts.get(genre.id) ?? 0) + 1)
  const topGenres = [...genreCounts].sort((a, b) => b[1] - a[1]).slice(0, GENRE_ROWS).map(([id]) => id)
  const byGenre = await Promise.all(topGenres.map((id) => pages(LIST_PAGES, (page) => catalog.byGenre(id, { ...options, page }))))
  byGenre.flat().forEach(add)

  // Neighbours and older seeds the lists above did not bring: a bounded batch.
  const missing = new Set<number>()
  for (const id of seeds) if (!movies.has(id)) missing.add(id)
  for (const list of neighbours.values()) for (const { id } of list) if (!movies.has(id)) missing.add(id)
  if (missing.size > 0) (await catalog.many([...missing].slice(0, EXTRA_FILMS), options).catch(() => [])).forEach(add)

  const films = [...movies.values()].map((movie) => featuresOf(movie, detailed.get(movie.id)))
  const trendingIds = [...new Set([...trending, ...popular].map((movie) => movie.id))]
  const tmdb =
    catalog.source === 'tmdb'
      ? new Map([...detailed.values()].map((found) => [found.id, rankScores(found.similar.map((movie) => movie.id))]))
      : undefined
  const context: RecommendContext = {
    index: buildContentIndex(films),
    neighbours: (filmId) => neighbours.get(filmId) ?? [],
    trending: rankScores(trendingIds),
    ...(tmdb ? { tmdbRecommendations: (filmId: number) => tmdb.get(filmId) ?? [] } : {}),
  }
  return { context, movies }
}
