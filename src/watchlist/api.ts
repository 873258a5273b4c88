import { Hono } from 'hono'
import { z } from 'zod'
import { currentUser, requireApiUser } from '../auth/middleware'
import { MovieSchema } from '../catalog/types'
import type { AppEnv } from '../context'
import { validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema, MovieIdParamSchema } from '../schemas/common'
import { CACHE, cacheHeaders } from '../http/cache'
import { CursorPageQuerySchema, NextCursorSchema } from '../schemas/cursor'

const ListedMovieSchema = MovieSchema.extend({ added_at: z.string().describe('When the film was added (ISO 8601)') })
const WatchlistSchema = z.object({
  results: z.array(ListedMovieSchema).describe('Newest first, 60 per page'),
  page: z.number().int(),
  total_results: z.number().int().describe('Films on the list (at most 1,000)'),
  next_cursor: NextCursorSchema,
})
const TAGS = ['Watchlist']
/** A user's own list: never stored by shared caches. */
const noStore = CACHE.personal

/** /api/v1/me/watchlist: the signed-in user's list. Adds and removes are idempotent. */
export const watchlistApi = new Hono<AppEnv>()

watchlistApi.get(
  '/me/watchlist',
  describe({
    summary: 'Your list, newest first, 60 films a page',
    tags: TAGS,
    auth: true,
    responses: {
      200: { description: 'The films on your list with when each was added', schema: WatchlistSchema },
      422: { description: 'Bad page, or a cursor that is altered or not yours (validation_failed)', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('query', CursorPageQuerySchema),
  async (c) => {
    const user = currentUser(c)
    const { page, cursor } = c.req.valid('query')
    const found = await c.get('services').watchlist.page(user.id, cursor ? { cursor } : { page: page ?? 1 }, { language: user.language })
    return c.json({ results: found.results, page: found.page, total_results: found.total, next_cursor: found.next_cursor }, 200, cacheHeaders(c, CACHE.ownData))
  },
)

watchlistApi.put(
  '/me/watchlist/:movieId',
  describe({
    summary: 'Add a film to your list (idempotent)',
    tags: TAGS,
    auth: true,
    responses: {
      201: { description: 'Added', schema: ListedMovieSchema },
      200: { description: 'Already on your list (added_at unchanged)', schema: ListedMovieSchema },
      404: { description: 'Unknown film (movie_not_found)', schema: ErrorBodySchema },
      409: { description: 'Your list already holds 1,000 films (list_full)', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('param', MovieIdParamSchema),
  async (c) => {
    const { movie, created, added_at } = await c.get('services').watchlist.add(currentUser(c), c.req.valid('param').movieId)
    return c.json({ ...movie, added_at }, created ? 201 : 200, cacheHeaders(c, noStore))
  },
)

watchlistApi.delete(
  '/me/watchlist/:movieId',
  describe({
    summary: 'Remove a film from your list (idempotent)',
    tags: TAGS,
    auth: true,
    responses: { 204: { description: 'The film is not on your list' } },
  }),
  requireApiUser,
  validate('param', MovieIdParamSchema),
  async (c) => {
    await c.get('services').watchlist.remove(currentUser(c).id, c.req.valid('param').movieId)
    return c.body(null, 204)
  },
)
