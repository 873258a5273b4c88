import type { z } from 'zod'
import type { Config } from '../config'
import type { CacheStore } from '../platform'
import { localeInfo } from '../i18n/locales'
import { CatalogUnavailable, DomainError } from '../shared/errors'
import { TmdbCache, type Freshness } from './cache'
import { TmdbClient, TmdbError, normalizedQuery, type Query } from './tmdb'
import { toDetails, toMovie, toMoviePage, trimDetails } from './tmdb-map'
import { tmdbPeople } from './tmdb-people'
import {
  TmdbConfigurationSchema,
  TmdbDetailsSchema,
  TmdbGenreListSchema,
  TmdbPageSchema,
  type TmdbConfiguration,
} from './tmdb-schemas'
import type { Catalog, CatalogOptions, MoviePage } from './types'

export interface TmdbCatalogOptions {
  config: Config
  /** Where TMDB answers are cached (Workers KV on Workers). */
  cache: CacheStore
  defer: (work: Promise<unknown>) => void
  /** Per upstream attempt; 5 s by default. */
  timeoutMs?: number
  fetch?: typeof fetch
  /** Runs before an uncached look-up (CATALOG_MISS_LIMIT, src/catalog/miss-limit.ts); may throw 429. */
  beforeMiss?: () => Promise<void>
}

export interface TmdbCatalog extends Catalog {
  /** TMDB's image configuration (base URLs and sizes), cached for days. */
  configuration(): Promise<TmdbConfiguration>
}

/** KV keys are versioned so a change in what is stored never reads an old shape. */
const KEY_PREFIX = 'tmdb:v1:'
const DETAILS_APPEND = 'credits,videos,similar,recommendations'
/** A film's entry since its cast and crew keep their ids (people pages): v1 entries lack them. */
const DETAILS_KEY_PREFIX = 'tmdb:v2:'

/** The catalog backed by TMDB v3 through the KV cache. */
export function createTmdbCatalog(options: TmdbCatalogOptions): TmdbCatalog {
  const { config } = options
  if (!config.tmdbAuth) throw new Error('createTmdbCatalog needs a TMDB credential')
  const client = new TmdbClient({ baseUrl: config.TMDB_BASE_URL, auth: config.tmdbAuth, timeoutMs: options.timeoutMs, fetch: options.fetch })
  const cache = new TmdbCache({ store: options.cache, defer: options.defer, beforeMiss: options.beforeMiss })
  const images = { base: config.TMDB_IMAGE_BASE_URL }

  /**
   * The cached, schema-checked body of a TMDB GET; null when TMDB says 404. `store` picks what is kept
   * in KV (the raw body unless given). A body that breaks the schema counts as an upstream failure.
   */
  async function fetchParsed<S extends z.ZodType>(
    path: string,
    query: Query,
    freshness: Freshness,
    schema: S,
    store?: (parsed: z.output<S>) => unknown,
    prefix = KEY_PREFIX,
  ): Promise<z.output<S> | null> {
    const key = `${prefix}${path}?${normalizedQuery(query)}`
    const result = await cache.get(key, freshness, async () => {
      const raw = await client.get(path, query)
      const parsed = schema.safeParse(raw)
      if (!parsed.success) throw new TmdbError('bad_response', `TMDB ${path} did not match the expected shape: ${parsed.error.message.slice(0, 300)}`)
      return store ? store(parsed.data) : raw
    })
    if (!result.found) return null
    const parsed = schema.safeParse(result.body)
    if (!parsed.success) {
      console.error(`TMDB cache entry ${key} no longer matches its schema`)
      throw new CatalogUnavailable()
    }
    return parsed.data
  }

  /** TMDB's language for a UI language (es → es-ES): part of the query, so of the KV key too. */
  const lang = (options?: CatalogOptions) => ({ language: options?.language ? localeInfo(options.language).tmdb : undefined })
  /** Posters and backdrops with text in the viewer's language, else without text (TMDB's `null`). */
  const imageLanguages = (options?: CatalogOptions) => {
    const tmdb = lang(options).language
    return tmdb ? { include_image_language: `${tmdb.split('-')[0]},null` } : {}
  }

  async function page(path: string, query: Query): Promise<MoviePage> {
    const body = await fetchParsed(path, query, 'list', TmdbPageSchema)
    // A 404 on a list is TMDB saying the page does not exist: an empty page, not an error.
    return body ? toMoviePage(body, images) : { page: Number(query.page ?? 1), total_pages: 0, total_results: 0, results: [] }
  }

  async function details(id: number, options?: CatalogOptions) {
    return fetchParsed(`/movie/${id}`, { append_to_response: DETAILS_APPEND, ...lang(options), ...imageLanguages(options) }, 'details', TmdbDetailsSchema, trimDetails, DETAILS_KEY_PREFIX)
  }

  return {
    source: 'tmdb',
    ...tmdbPeople({ images, fetchParsed, language: lang }),
    list: (kind, options) => page(`/movie/${kind}`, { page: options?.page ?? 1, ...lang(options) }),
    trending: (window, options) => page(`/trending/movie/${window}`, { page: options?.page ?? 1, ...lang(options) }),
    search: (query, options) =>
      page('/search/movie', { query, page: options?.page ?? 1, year: options?.year, include_adult: 'false', ...lang(options) }),
    async details(id, options) {
      const body = await details(id, options)
      return body ? toDetails(body, images) : null
    },
    async many(ids, options) {
      const settled = await Promise.allSettled([...new Set(ids)].map((id) => details(id, options)))
      const failures = settled.filter((result) => result.status === 'rejected')
      // One film TMDB cannot give right now is left out; only when every lookup fails is it an outage.
      if (failures.length && failures.length === settled.length) {
        const reason = failures[0]!.reason
        throw reason instanceof DomainError ? reason : new CatalogUnavailable()
      }
      return settled.flatMap((result) => (result.status === 'fulfilled' && result.value ? [toMovie(result.value, images)] : []))
    },
    async genres(options) {
      const body = await fetchParsed('/genre/movie/list', lang(options), 'static', TmdbGenreListSchema)
      return body?.genres ?? []
    },
    byGenre: (genreId, options) =>
      page('/discover/movie', {
        with_genres: genreId,
        sort_by: 'popularity.desc',
        include_adult: 'false',
        page: options?.page ?? 1,
        ...lang(options),
      }),
    async searchRaw(title, options) {
      const query: Query = { query: title, page: options?.page ?? 1, include_adult: 'false', ...lang(options) }
      const key = `${KEY_PREFIX}/search/movie?${normalizedQuery(query)}`
      // Same key as search(): the raw TMDB body is what the cache keeps for lists.
      const result = await cache.get(key, 'list', async () => {
        const raw = await client.get('/search/movie', query)
        if (!TmdbPageSchema.safeParse(raw).success) throw new TmdbError('bad_response', 'TMDB /search/movie did not match the expected shape')
        return raw
      })
      return result.found ? result.body : { page: 1, results: [], total_pages: 0, total_results: 0 }
    },
    async configuration() {
      const body = await fetchParsed('/configuration', {}, 'static', TmdbConfigurationSchema)
      if (!body) throw new CatalogUnavailable()
      return body
    },
  }
}
