import { Hono } from 'hono'
import { currentUser, requireApiUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { reviewsFor } from '../reviews'
import { ReviewBodySchema, ReviewPageSchema, ReviewSchema } from '../reviews/schemas'
import { ErrorBodySchema, IdParamSchema, PageQuerySchema } from '../schemas/common'
import { events } from '../events/schema'

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
    },
  }),
  validate('param', IdParamSchema),
  validate('query', PageQuerySchema),
  async (c) => {
    const { id } = c.req.valid('param')
    const { page } = c.req.valid('query')
    const [film, reviews] = await Promise.all([c.get('services').catalog.details(id), reviewsFor(c).page(id, page)])
    if (!film) throw errors.movieNotFound()
    return c.json(reviews)
  },
)

reviewsApi.put(
  '/movies/:id/reviews',
  describe({
    summary: 'Rate and review a film (one review per user; sending again edits it)',
    tags: TAGS,
    auth: true,
    responses: {
      200: { description: 'Your review, updated', schema: ReviewSchema },
      201: { description: 'Your review, created', schema: ReviewSchema },
      404: { description: 'Unknown film (movie_not_found)', schema: ErrorBodySchema },
      422: { description: 'Rating outside 1–10 or text too long', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('param', IdParamSchema),
  validate('json', ReviewBodySchema),
  async (c) => {
    const user = currentUser(c)
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    if (!(await c.get('services').catalog.details(id))) throw errors.movieNotFound()
    const { created, review } = await reviewsFor(c).put(id, user, body)
    c.get('services').publish(events.reviewPosted(user.id, id, body.rating))
    return c.json(review, created ? 201 : 200)
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
    await reviewsFor(c).delete(c.req.valid('param').id, currentUser(c).id)
    return c.body(null, 204)
  },
)
