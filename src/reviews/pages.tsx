import { issueMessage as m } from '../i18n/message-ref'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { ReviewsSection, type ReviewFormState } from '../../views/components/ReviewsSection'
import { ReviewsPage } from '../../views/pages/ReviewsPage'
import { currentUser, requirePageUser } from '../auth/middleware'
import { reviewsSection } from './section'
import { KEPT_NEWER, offlineAt } from './offline-at'
import type { MovieDetails } from '../catalog/types'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { REVIEW_TEXT_MAX } from '../reviews/schemas'
import type { PageRequest } from '../reviews/service'
import { IdParamSchema } from '../schemas/common'
import { CursorPageQuerySchema } from '../schemas/cursor'
import { fieldErrors, readForm } from '../http/forms'
import { render } from '../http/render'
import { wantsFragment } from '../http/page-helpers'
import { CACHE, useCache } from '../http/cache'

const RATING_MESSAGE = m('reviews.ratingInvalid')
/** The HTML form: strings from a <select> and a <textarea>. */
const ReviewFormSchema = z.object({
  rating: z.string({ error: RATING_MESSAGE }).regex(/^(10|[1-9])$/, RATING_MESSAGE).transform(Number),
  text: z
    .string({ error: m('reviews.textUnreadable') })
    .max(REVIEW_TEXT_MAX, m('reviews.textTooLong', { max: REVIEW_TEXT_MAX }))
    .optional(),
})

/** The reviews block for a film as the current visitor sees it (src/reviews/section.ts). */
export const reviewsSectionFor = (
  c: Context<AppEnv>,
  movie: Pick<MovieDetails, 'id' | 'title'>,
  page: PageRequest = 1,
  extra: { form?: ReviewFormState; notice?: string } = {},
) => reviewsSection(c.get('services').reviews, c.get('user')?.id, movie, page, extra)

async function filmOr404(c: Context<AppEnv>, id: number): Promise<MovieDetails> {
  const film = await c.get('services').catalog.details(id, { language: c.get('user')?.language })
  if (!film) throw errors.movieNotFound()
  return film
}

/** HTML routes for rating and reviewing films (the API twin is ./api.ts). */
export const reviewPages = new Hono<AppEnv>()

reviewPages.get('/movies/:id/reviews', validate('param', IdParamSchema), validate('query', CursorPageQuerySchema), async (c) => {
  const { id } = c.req.valid('param')
  const { page, cursor } = c.req.valid('query')
  const film = await filmOr404(c, id)
  const section = await reviewsSectionFor(c, film, cursor ? { cursor } : { page: page ?? 1 })
  useCache(c, CACHE.personalPage)
  if (wantsFragment(c)) return render(c, <ReviewsSection {...section} />)
  return render(c, <ReviewsPage movie={film} section={section} />, { films: true })
})

reviewPages.post('/movies/:id/reviews', requirePageUser, validate('param', IdParamSchema), async (c) => {
  const user = currentUser(c)
  const { id } = c.req.valid('param')
  const [film, body] = await Promise.all([filmOr404(c, id), readForm(c)])
  useCache(c, CACHE.noStore)
  const parsed = ReviewFormSchema.safeParse(body)
  if (!parsed.success) {
    const { rating, text } = fieldErrors(parsed.error, c.get('t'), {}, body)
    const errors: ReviewFormState['errors'] = { ...(rating ? { rating } : {}), ...(text ? { text } : {}) }
    const form = { rating: typeof body.rating === 'string' ? body.rating : '', text: typeof body.text === 'string' ? body.text : '', errors }
    const section = await reviewsSectionFor(c, film, 1, { form })
    // htmx only swaps 2xx answers; a plain form post gets the honest 422.
    if (wantsFragment(c)) return render(c, <ReviewsSection {...section} />)
    return render(c, <ReviewsPage movie={film} section={section} />, { films: true, status: 422 })
  }
  const { created, kept } = await c.get('services').reviews.put(id, user, parsed.data, offlineAt(c.req.header('X-Offline-At')))
  if (kept) {
    // A rating made offline, older than the stored one: 200 with the stored review and a note (the worker tells the page).
    c.header('X-Offline-Conflict', KEPT_NEWER['X-Offline-Conflict'])
    const section = await reviewsSectionFor(c, film, 1, { notice: c.get('t')('reviews.keptNewer') })
    if (wantsFragment(c)) return render(c, <ReviewsSection {...section} />)
    return render(c, <ReviewsPage movie={film} section={section} />, { films: true })
  }
  if (!wantsFragment(c)) return c.redirect(`/movies/${id}#reviews`, 303)
  const section = await reviewsSectionFor(c, film, 1, { notice: c.get('t')(created ? 'reviews.posted' : 'reviews.updated') })
  return render(c, <ReviewsSection {...section} />)
})

reviewPages.post('/movies/:id/reviews/delete', requirePageUser, validate('param', IdParamSchema), async (c) => {
  const user = currentUser(c)
  const { id } = c.req.valid('param')
  await c.get('services').reviews.delete(id, user.id)
  if (!wantsFragment(c)) return c.redirect(`/movies/${id}#reviews`, 303)
  useCache(c, CACHE.noStore)
  const film = await filmOr404(c, id)
  return render(c, <ReviewsSection {...(await reviewsSectionFor(c, film, 1, { notice: c.get('t')('reviews.deleted') }))} />)
})
