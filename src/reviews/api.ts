import { Hono } from 'hono'
import { currentUser, requireApiUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { ReviewBodySchema, ReviewPageSchema, ReviewSchema } from '../reviews/schemas'
import { KEPT_NEWER, offlineAt } from './offline-at'
import { ErrorBodySchema, IdParamSchema } from '../schemas/common'
import { CursorPageQuerySchema } from '../schemas/cursor'

const TAGS = ['Reviews']

/** /api/v1/movies/:id/reviews: read anonymously; write and delete your own with a token. */
export const reviewsApi = new Hono<AppEnv>()

reviewsApi.get(
  '/movies/:id/reviews',
  describe({
    summary: "A film's reviews, newest first, with the average rating",
    tags: TAGS,
    responses: {
      200: { description: 'One page of reviews (20 a page); reviewers by display name only', schema: ReviewPageSchema },
      404: { description: 'Unknown film (movie_not_found)', schema: ErrorBodySchema },
      422: { description: 'Bad page, or a cursor that is altered or of another film (validation_failed)', schema: ErrorBodySchema },
    },
  }),
  validate('param', IdParamSchema),
  validate('query', CursorPageQuerySchema),
  async (c) => {
    const { id } = c.req.valid('param')
    const { page, cursor } = c.req.valid('query')
    const { next_cursor, prev_cursor: _htmlOnly, ...body } = await c.get('services').reviews.page(id, cursor ? { cursor } : { page: page ?? 1 })
    // A page-numbered read of the last page keeps the original shape; cursor readers always get the field.
    return c.json(next_cursor !== null || cursor ? { ...body, next_cursor } : body)
  },
)

reviewsApi.put(
  '/movies/:id/reviews',
  describe({
    summary: 'Rate and review a film (one review per user; sending again edits it)',
    tags: TAGS,
    auth: true,
    description:
      'An action made offline and sent later may carry `X-Offline-At` (ISO 8601, when it happened; a malformed or future value is ignored): ' +
      'if the stored review was updated after it, the stored review is kept and answered with 200 and `X-Offline-Conflict: kept-newer`.',
    responses: {
      200: { description: 'Your review, updated; or, for an older X-Offline-At, the newer stored review, kept', schema: ReviewSchema },
      201: { description: 'Your review, created', schema: ReviewSchema },
      404: { description: 'Unknown film (movie_not_found)', schema: ErrorBodySchema },
      422: { description: 'Rating outside 1–10 or text too long', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('param', IdParamSchema),
  validate('json', ReviewBodySchema),
  async (c) => {
    const at = offlineAt(c.req.header('X-Offline-At'))
    const { created, kept, review } = await c.get('services').reviews.put(c.req.valid('param').id, currentUser(c), c.req.valid('json'), at)
    return c.json(review, created ? 201 : 200, kept ? KEPT_NEWER : {})
  },
)

reviewsApi.delete(
  '/movies/:id/reviews',
  describe({
    summary: 'Delete your review of a film (idempotent)',
    tags: TAGS,
    auth: true,
    responses: { 204: { description: 'No review of yours remains' } },
  }),
  requireApiUser,
  validate('param', IdParamSchema),
  async (c) => {
    await c.get('services').reviews.delete(c.req.valid('param').id, currentUser(c).id)
    return c.body(null, 204)
  },
)
