import { issueMessage as m } from '../i18n/message-ref'
import { Hono } from 'hono'
import { z } from 'zod'
import { currentUser, requireApiUser } from '../auth/middleware'
import { MovieSchema } from '../catalog/types'
import type { AppEnv } from '../context'
import { CACHE, cacheHeaders } from '../http/cache'
import { validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema, MovieIdParamSchema } from '../schemas/common'
import { NotFound } from '../shared/errors'
import { reasonText } from './reason-text'
import type { PersonalRows } from '../recommendations'

const RecommendedMovieSchema = MovieSchema.extend({
  reason: z.string().describe("Why it was picked, in the user's language"),
  source: z.enum(['similar', 'collaborative', 'genre', 'trending']).describe('similar: content similarity or TMDB; collaborative: item–item over this product; genre: trending in a liked genre; trending: cold start'),
  because: z.object({ id: z.number().int(), title: z.string() }).nullable().describe('The film the pick comes from, if any'),
})
const RecommendationsSchema = z.object({ results: z.array(RecommendedMovieSchema) })
const LimitQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, m('validation.wholeNumberRange', { min: 1, max: 50 }))
    .transform(Number)
    .pipe(z.number().int().min(1, m('validation.atLeast', { min: 1 })).max(50, m('validation.atMost', { max: 50 })))
    .optional(),
})
const TAGS = ['Recommendations']

/** /api/v1/me/recommendations and /api/v1/me/dismissed: the signed-in user's picks and "not interested". */
export const recommendationsApi = new Hono<AppEnv>()

recommendationsApi.get(
  '/me/recommendations',
  describe({
    summary: 'Films picked for you, best first, each with why',
    tags: TAGS,
    auth: true,
    responses: {
      200: { description: 'Never a film on your list, rated by you, or dismissed', schema: RecommendationsSchema },
      422: { description: 'Bad limit (validation_failed)', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('query', LimitQuerySchema),
  async (c) => {
    const user = currentUser(c)
    const limit = c.req.valid('query').limit ?? 20
    const services = c.get('services')
    const t = c.get('t')
    // The stored picks (their version is in the session's batch) beside the list's summary (films listed since they
    // were computed); the rendered answer is reused while the version, the hidden films, language and limit are the same.
    const render = (picks: PersonalRows) =>
      JSON.stringify({ results: picks.top.slice(0, limit).map((pick) => ({ ...pick.movie, reason: reasonText(t, pick), source: pick.source, because: pick.because })) })
    const body = await services.recommendations.rendered(user.id, services.watchlist.listedIds(user.id), `${t.locale}\u0000${limit}`, render, { language: user.language })
    return c.body(body, 200, { ...cacheHeaders(c, CACHE.personal), 'Content-Type': 'application/json' })
  },
)

recommendationsApi.put(
  '/me/dismissed/:movieId',
  describe({
    summary: '"Not interested": never recommend this film to you (idempotent)',
    tags: TAGS,
    auth: true,
    responses: { 204: { description: 'Dismissed' }, 404: { description: 'Unknown film (movie_not_found)', schema: ErrorBodySchema } },
  }),
  requireApiUser,
  validate('param', MovieIdParamSchema),
  async (c) => {
    const user = currentUser(c)
    const { movieId } = c.req.valid('param')
    const services = c.get('services')
    if (!(await services.catalog.details(movieId, { language: user.language }))) throw new NotFound('movie')
    await services.recommendations.dismiss(user.id, movieId, { language: user.language })
    return c.body(null, 204)
  },
)

recommendationsApi.delete(
  '/me/dismissed/:movieId',
  describe({
    summary: 'Undo "not interested" (idempotent)',
    tags: TAGS,
    auth: true,
    responses: { 204: { description: 'The film may be recommended again' } },
  }),
  requireApiUser,
  validate('param', MovieIdParamSchema),
  async (c) => {
    const user = currentUser(c)
    await c.get('services').recommendations.undismiss(user.id, c.req.valid('param').movieId, { language: user.language })
    return c.body(null, 204)
  },
)
