import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { GenreSchema, MovieDetailsSchema, MoviePageSchema } from '../catalog/types'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { IdParamSchema, PageQuerySchema } from '../schemas/common'
import { CACHE, cacheHeaders, type CachePolicy } from '../http/cache'
import { LANGUAGE_CODES } from '../accounts/types'

/** Public catalog JSON is the same for everyone: browsers and CDNs may keep it briefly. */

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
 * The answer's language: the `language` query parameter (one of the UI languages), else the request's
 * (signed-in user's, then Accept-Language; src/i18n/middleware.ts).
 */
function language(c: Context<AppEnv>): string {
  const asked = c.req.query('language')
  if (asked === undefined) return c.get('locale')
  if (!(LANGUAGE_CODES as string[]).includes(asked)) throw errors.validation([{ path: 'language', message: { key: 'validation.oneOf', params: { values: LANGUAGE_CODES.join(', ') } } }])
  return asked
}

/**
 * A signed-in caller may get another language: their copy is theirs alone (cacheHeaders makes it private).
 * Anonymous answers follow Accept-Language unless `language` is in the URL, so shared caches key on it.
 */
function cacheFor(c: Context<AppEnv>, policy: CachePolicy): Record<string, string> {
  const headers = cacheHeaders(c, policy)
  if (c.req.query('language') !== undefined) return headers
  return { ...headers, Vary: [headers.Vary, 'Accept-Language'].filter(Boolean).join(', ') }
}

/** The catalog's JSON API (mounted under /api/v1): thin routes over `services.catalog`. */
export const catalogApiRoutes = new Hono<AppEnv>()
  .get('/movies/popular', listDoc('Popular films (most voted)'), validate('query', PageQuerySchema), async (c) => {
    const { page } = c.req.valid('query')
    const result = await c.get('services').catalog.list('popular', { page, language: language(c) })
    return c.json(result, 200, cacheFor(c, CACHE.catalogList))
  })
  .get('/movies/top_rated', listDoc('Top rated films'), validate('query', PageQuerySchema), async (c) => {
    const { page } = c.req.valid('query')
    const result = await c.get('services').catalog.list('top_rated', { page, language: language(c) })
    return c.json(result, 200, cacheFor(c, CACHE.catalogList))
  })
  .get('/movies/now_playing', listDoc('Films now in cinemas'), validate('query', PageQuerySchema), async (c) => {
    const { page } = c.req.valid('query')
    const result = await c.get('services').catalog.list('now_playing', { page, language: language(c) })
    return c.json(result, 200, cacheFor(c, CACHE.catalogList))
  })
  .get('/movies/trending', listDoc('Trending films'), validate('query', TrendingQuerySchema), async (c) => {
    const { page, window } = c.req.valid('query')
    const result = await c.get('services').catalog.trending(window, { page, language: language(c) })
    return c.json(result, 200, cacheFor(c, CACHE.catalogList))
  })
  .get('/movies/search', listDoc('Search films by title'), validate('query', SearchQuerySchema), async (c) => {
    const { page, q } = c.req.valid('query')
    const result = await c.get('services').catalog.search(q, { page, language: language(c) })
    return c.json(result, 200, cacheFor(c, CACHE.catalogList))
  })
  .get(
    '/movies/:id',
    describe({
      summary: 'A film with its genres, director, cast, trailer and similar films',
      tags: ['catalog'],
      responses: { 200: { description: 'The film', schema: MovieDetailsSchema }, 404: { description: 'No such film' } },
    }),
    validate('param', IdParamSchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const details = await c.get('services').catalog.details(id, { language: language(c) })
      if (!details) throw errors.movieNotFound()
      return c.json(details, 200, cacheFor(c, CACHE.catalogDetails))
    },
  )
  .get(
    '/genres',
    describe({ summary: 'Film genres', tags: ['catalog'], responses: { 200: { description: 'Genres', schema: GenreListSchema } } }),
    async (c) => {
      const genres = await c.get('services').catalog.genres({ language: language(c) })
      return c.json({ genres }, 200, cacheFor(c, CACHE.catalogStatic))
    },
  )
  .get(
    '/genres/:id/movies',
    listDoc("A genre's films, most popular first"),
    validate('param', IdParamSchema),
    validate('query', PageQuerySchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const { page } = c.req.valid('query')
      const result = await c.get('services').catalog.byGenre(id, { page, language: language(c) })
      return c.json(result, 200, cacheFor(c, CACHE.catalogList))
    },
  )
