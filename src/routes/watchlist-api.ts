import { Hono } from 'hono'
import { z } from 'zod'
import { currentUser, requireApiUser } from '../auth/middleware'
import { MovieSchema } from '../catalog/types'
import type { AppEnv } from '../context'
import { validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema, MovieIdParamSchema } from '../schemas/common'
import { CACHE, cacheHeaders } from '../http/cache'

const ListedMovieSchema = MovieSchema.extend({ added_at: z.string().describe('When the film was added (ISO 8601)') })
const WatchlistSchema = z.object({ results: z.array(ListedMovieSchema) })
const TAGS = ['Watchlist']
/** A user's own list: never stored by shared caches. */
const noStore = CACHE.personal

/** /api/v1/me/watchlist: the signed-in user's list. Adds and removes are idempotent. */
export const watchlistApi = new Hono<AppEnv>()

watchlistApi.get(
  '/me/watchlist',
  describe({
    summary: 'Your list, newest first',
    tags: TAGS,
    auth: true,
    responses: { 200: { description: 'The films on your list with when each was added', schema: WatchlistSchema } },
  }),
  requireApiUser,
  async (c) => {
    const user = currentUser(c)
    const results = await c.get('services').watchlist.movies(user.id, { language: user.language })
    return c.json({ results }, 200, cacheHeaders(c, noStore))
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
