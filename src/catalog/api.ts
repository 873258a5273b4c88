import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { FilmAnswerSchema, GenreSchema, MoviePageSchema } from './types'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { issuesToDetails, validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema, IdParamSchema, PageQuerySchema } from '../schemas/common'
import { CACHE, cached, type CachePolicy } from '../http/cache'
import { LANGUAGE_CODES } from '../accounts/types'
import { backdropPng, backdropSvg, posterPng, posterSvg } from './bundled/posters'
import { bundledFilm } from './bundled'
import type { Film } from './bundled/data'
import { chooseLocale } from '../i18n/negotiate'

const TrendingQuerySchema = PageQuerySchema.extend({
  window: z.enum(['day', 'week']).default('week').describe('Trending over the last day or week'),
})
const SearchQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(200).describe('Title to search for, 1–200 characters'),
})
const GenreListSchema = z.object({ genres: z.array(GenreSchema) })

const listDoc = (summary: string) =>
  describe({ summary, tags: ['catalog'], responses: { 200: { description: 'A page of films', schema: MoviePageSchema } } })

/**
 * The answer's language: the `language` query parameter (one of the UI languages), else the signed-in user's, else
 * Accept-Language. Never the pages' `lang` cookie: an anonymous answer is public, and shared caches key it on
 * Accept-Language only (the third audit's L6: a cookie could have stored Arabic under the English key).
 */
export function language(c: Context<AppEnv>): string {
  const asked = c.req.query('language')
  if (asked === undefined) return c.get('user') ? c.get('locale') : chooseLocale({ acceptLanguage: c.req.header('Accept-Language') })
  if (!(LANGUAGE_CODES as string[]).includes(asked)) throw errors.validation([{ path: 'language', message: { key: 'validation.oneOf', params: { values: LANGUAGE_CODES.join(', ') } } }])
  return asked
}

/**
 * Anonymous answers follow Accept-Language unless `language` is in the URL, so shared caches key on it. (The policy
 * itself is each route's `cached(…)`: private for a signed-in caller, whose copy follows their own language.)
 */
export const languageVary = (c: Context<AppEnv>): Record<string, string> => (c.req.query('language') === undefined ? { Vary: 'Accept-Language' } : {})

/** The catalog's JSON API (mounted under /api/v1): thin routes over `services.catalog`. */
export const catalogApi = new Hono<AppEnv>()
  .get('/movies/popular', listDoc('Popular films (most voted)'), cached(CACHE.catalogList), validate('query', PageQuerySchema), async (c) => {
    const { page } = c.req.valid('query')
    const result = await c.get('services').catalog.list('popular', { page, language: language(c) })
    return c.json(result, 200, languageVary(c))
  })
  .get('/movies/top_rated', listDoc('Top rated films'), cached(CACHE.catalogList), validate('query', PageQuerySchema), async (c) => {
    const { page } = c.req.valid('query')
    const result = await c.get('services').catalog.list('top_rated', { page, language: language(c) })
    return c.json(result, 200, languageVary(c))
  })
  .get('/movies/now_playing', listDoc('Films now in cinemas'), cached(CACHE.catalogList), validate('query', PageQuerySchema), async (c) => {
    const { page } = c.req.valid('query')
    const result = await c.get('services').catalog.list('now_playing', { page, language: language(c) })
    return c.json(result, 200, languageVary(c))
  })
  .get('/movies/trending', listDoc('Trending films'), cached(CACHE.catalogList), validate('query', TrendingQuerySchema), async (c) => {
    const { page, window } = c.req.valid('query')
    const result = await c.get('services').catalog.trending(window, { page, language: language(c) })
    return c.json(result, 200, languageVary(c))
  })
  .get('/movies/search', listDoc('Search films by title'), cached(CACHE.catalogList), validate('query', SearchQuerySchema), async (c) => {
    const { page, q } = c.req.valid('query')
    const result = await c.get('services').catalog.search(q, { page, language: language(c) })
    return c.json(result, 200, languageVary(c))
  })
  .get(
    '/movies/:id',
    describe({
      summary: 'A film with its genres, director, cast, trailer and similar films',
      tags: ['catalog'],
      responses: { 200: { description: 'The film, with its video when one is ready and published', schema: FilmAnswerSchema }, 404: { description: 'No such film (movie_not_found)', schema: ErrorBodySchema } },
    }),
    cached(CACHE.catalogFilm),
    validate('param', IdParamSchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const services = c.get('services')
      // The video comes from the isolate's ready-video map, beside the catalog read; unreadable: null, never a 5xx.
      const [details, film] = await Promise.all([
        services.catalog.details(id, { language: language(c) }),
        services.videos.filmVideo(id).catch(() => ({ video: null, provisional: true })),
      ])
      if (!details) throw errors.movieNotFound()
      // Built without a fresh map (late or failed read): this answer is not shared or kept, so it cannot outlive the minute.
      const headers = film.provisional ? { ...languageVary(c), 'Cache-Control': 'no-store' } : languageVary(c)
      return c.json({ ...details, video: film.video }, 200, headers)
    },
  )
  .get(
    '/genres',
    describe({ summary: 'Film genres', tags: ['catalog'], responses: { 200: { description: 'Genres', schema: GenreListSchema } } }),
    cached(CACHE.catalogStatic),
    async (c) => {
      const genres = await c.get('services').catalog.genres({ language: language(c) })
      return c.json({ genres }, 200, languageVary(c))
    },
  )
  .get(
    '/genres/:id/movies',
    listDoc("A genre's films, most popular first"),
    cached(CACHE.catalogList),
    validate('param', IdParamSchema),
    validate('query', PageQuerySchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const { page } = c.req.valid('query')
      const result = await c.get('services').catalog.byGenre(id, { page, language: language(c) })
      return c.json(result, 200, languageVary(c))
    },
  )

/** Generated artwork never changes for a given id and data build. */
const FILE = /^([1-9][0-9]{0,9})\.(png|svg)$/

/** `<id>.png` (what pages and the API link) or `<id>.svg` (the titled variant; older links). */
function artwork(file: string, png: (film: Film) => Uint8Array, svg: (film: Film) => string): Response {
  const match = FILE.exec(file)
  const film = match ? bundledFilm(Number(match[1])) : undefined
  if (!film) throw errors.notFound('errors.not_found.image')
  const headers = { 'Cache-Control': CACHE.immutable.cacheControl }
  if (match![2] === 'png') return new Response(png(film), { headers: { ...headers, 'Content-Type': 'image/png' } })
  return new Response(svg(film), { headers: { ...headers, 'Content-Type': 'image/svg+xml; charset=utf-8' } })
}

/** Posters (2:3) and backdrops (16:9) of bundled films, referenced by their poster_url/backdrop_url. */
export const catalogImages = new Hono<AppEnv>()
  .get('/images/posters/:file', (c) => artwork(c.req.param('file'), posterPng, posterSvg))
  .get('/images/backdrops/:file', (c) => artwork(c.req.param('file'), backdropPng, backdropSvg))

const TitleParamSchema = z.object({ title: z.string().trim().min(1).max(200).describe('Film title to search for') })

/** TMDB's `search/movie` response, loosely: the seed's clients read `results[].title`, `poster_path` and so on. */
const TmdbSearchResponseSchema = z.object({
  page: z.number().int(),
  total_pages: z.number().int(),
  total_results: z.number().int(),
  results: z.array(z.looseObject({ id: z.number().int(), title: z.string() })),
})

/** The seed's search answer: a minute fresh (private for a signed-in caller, whose language may differ). */
const SEED_SEARCH: CachePolicy = { cacheControl: 'public, max-age=60' }

/**
 * The seed's original route, kept for its clients: TMDB's `search/movie` JSON for a title,
 * from TMDB (cached) or the bundled catalog. Errors are JSON (see wantsJson in the error handler).
 */
export const seedApi = new Hono<AppEnv>().get(
  '/movie/:title',
  describe({
    summary: "Search by title, answered in TMDB's search/movie shape (the seed's original route)",
    tags: ['catalog'],
    responses: { 200: { description: 'TMDB search/movie response', schema: TmdbSearchResponseSchema } },
  }),
  cached(SEED_SEARCH),
  async (c) => {
    // Not validate('param'): that answers invalid_id, and a title is not an id.
    const parsed = TitleParamSchema.safeParse({ title: c.req.param('title') })
    if (!parsed.success) throw errors.validation(issuesToDetails(parsed.error.issues, { title: c.req.param('title') }))
    const body = await c.get('services').catalog.searchRaw(parsed.data.title, { language: c.get('user')?.language })
    return c.json(body as Record<string, unknown>)
  },
)
