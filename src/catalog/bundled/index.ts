import { TMDB_GENRES } from '../genres'
import type { Catalog, CatalogOptions, Genre, MoviePage } from '../types'
import { filmIndex, type Film } from './data'
import { toDetails, toMovie, toTmdbMovie } from './details'
import { genreNameIn } from './localized'
import { bundledPeople } from './people'
import { inGenre, nowPlaying, paginate, popular, topRated, trending, upcoming } from './rank'
import { rememberedSearch } from './search-memo'

export interface BundledCatalogOptions {
  /** The request's origin (`https://host`), for absolute poster and backdrop URLs. */
  origin: string
  /** ISO date treated as today; defaults to the newest release date in the data. */
  today?: string
}

/** Lists are ranked once per isolate and kept: the data never changes while it runs. */
const rankedCache = new Map<string, readonly Film[]>()
function ranked(key: string, rank: () => Film[]): readonly Film[] {
  let list = rankedCache.get(key)
  if (!list) {
    list = rank()
    rankedCache.set(key, list)
  }
  return list
}

let presentGenres: readonly Genre[] | undefined

/** The offline catalog built from vega-datasets' films (see scripts/build-catalog.ts). */
export function createBundledCatalog({ origin, today }: BundledCatalogOptions): Catalog {
  const { films, byId, newestRelease } = filmIndex()
  const day = today ?? newestRelease
  const page = (list: readonly Film[], options?: CatalogOptions): MoviePage => {
    const paged = paginate(list, options?.page ?? 1)
    return { ...paged, results: paged.results.map((film) => toMovie(film, origin, options?.language)) }
  }
  presentGenres ??= (() => {
    const present = new Set(films.flatMap((film) => film.genreIds))
    return TMDB_GENRES.filter((genre) => present.has(genre.id))
  })()
  const genres = presentGenres

  return {
    source: 'bundled',
    version: bundledCatalogVersion(today),
    ...bundledPeople(origin),
    async list(kind, options) {
      const list =
        kind === 'popular'
          ? ranked('popular', () => popular(films))
          : kind === 'top_rated'
            ? ranked('top_rated', () => topRated(films))
            : kind === 'now_playing'
              ? ranked(`now_playing:${day}`, () => nowPlaying(films, day))
              : ranked(`upcoming:${day}`, () => upcoming(films, day))
      return page(list, options)
    },
    async trending(window, options) {
      return page(ranked(`trending:${window}:${day}`, () => trending(films, day, window)), options)
    },
    async search(query, options) {
      return page(rememberedSearch(films, query, options?.year), options)
    },
    async details(id, options) {
      const film = byId.get(id)
      return film ? toDetails(film, films, origin, options?.language) : null
    },
    async many(ids, options) {
      return ids.flatMap((id) => {
        const film = byId.get(id)
        return film ? [toMovie(film, origin, options?.language)] : []
      })
    },
    async genres(options) {
      return genres.map((genre) => ({ id: genre.id, name: genreNameIn(genre.id, options?.language) ?? genre.name }))
    },
    async byGenre(genreId, options) {
      // Only genres the data has are cached, so arbitrary ids cannot grow the cache.
      if (!genres.some((genre) => genre.id === genreId)) return page([], options)
      return page(ranked(`genre:${genreId}`, () => inGenre(films, genreId)), options)
    },
    async searchRaw(title, options) {
      const paged = paginate(rememberedSearch(films, title), options?.page ?? 1)
      return { ...paged, results: paged.results.map((film) => toTmdbMovie(film, origin, options?.language)) }
    },
  }
}

/** Changes with the bundled data (it ships with the code) and with "today", which moves the dated lists. */
export function bundledCatalogVersion(today?: string): string {
  const { films, newestRelease } = filmIndex()
  return `bundled.${films.length}.${newestRelease}.${today ?? newestRelease}`
}

/** A bundled film by id, for the generated artwork routes. */
export function bundledFilm(id: number): Film | undefined {
  return filmIndex().byId.get(id)
}
