import type { Review, ReviewPage } from '../../src/reviews/service'
import { useT } from './I18nContext'
import { visibleText } from '../format'

export interface ReviewFormState {
  /** What the user sent, so a rejected form keeps their text. */
  rating?: string
  text?: string
  errors?: { rating?: string; text?: string }
}

export interface ReviewsSectionProps {
  movieId: number
  movieTitle: string
  reviews: ReviewPage & { own?: Review }
  /** Where "Sign in to rate" leads; absent when someone is signed in. */
  loginHref?: string
  form?: ReviewFormState
  /** A short confirmation after a save or delete (announced politely). */
  notice?: string
  /** The longest review text accepted (characters). */
  textMax: number
}

const ID = 'reviews-body'

function Summary({ average, count }: { average: number | null; count: number }) {
  const t = useT()
  if (count === 0 || average === null) return <p class="reviews-summary muted">{t('reviews.noneYet')}</p>
  return (
    <p class="reviews-summary">
      <span class="rating">
        <span class="star" aria-hidden="true"></span> {t.rating(average)}
      </span>{' '}
      <span class="muted">{t('reviews.summary', { count })}</span>
    </p>
  )
}

function ReviewForm({ movieId, own, form, textMax }: { movieId: number; own?: Review; form?: ReviewFormState; textMax: number }) {
  const action = `/movies/${movieId}/reviews`
  const rating = form?.rating ?? (own ? String(own.rating) : '')
  const text = form?.text ?? own?.text ?? ''
  const errors = form?.errors ?? {}
  const t = useT()
  return (
    <div class="review-own">
      <form class="review-form" method="post" action={action} hx-post={action} hx-target={`#${ID}`} hx-swap="outerHTML" novalidate>
        <h3>{own ? t('reviews.yourReview') : t('reviews.rateThis')}</h3>
        <div class={errors.rating ? 'field invalid' : 'field'}>
          <label for="review-rating">{t('reviews.ratingLabel')}</label>
          <select
            id="review-rating"
            name="rating"
            required
            autofocus={errors.rating ? true : undefined}
            aria-invalid={errors.rating ? 'true' : undefined}
            aria-describedby={errors.rating ? 'review-rating-error' : undefined}
          >
            <option value="" selected={rating === ''}>
              {t('reviews.choose')}
            </option>
            {Array.from({ length: 10 }, (_, i) => String(10 - i)).map((value) => (
              <option value={value} selected={rating === value}>
                {t.number(Number(value))}
              </option>
            ))}
          </select>
          {errors.rating ? (
            <p class="field-error" id="review-rating-error">
              {errors.rating}
            </p>
          ) : null}
        </div>
        <div class={errors.text ? 'field invalid' : 'field'}>
          <label for="review-text">{t('reviews.textLabel')}</label>
          <textarea
            id="review-text"
            name="text"
            rows={4}
            maxlength={textMax}
            autofocus={errors.text && !errors.rating ? true : undefined}
            aria-invalid={errors.text ? 'true' : undefined}
            aria-describedby={errors.text ? 'review-text-error' : 'review-text-hint'}
          >
            {text}
          </textarea>
          {errors.text ? (
            <p class="field-error" id="review-text-error">
              {errors.text}
            </p>
          ) : (
            <p class="field-hint" id="review-text-hint">
              {t('reviews.textHint', { max: textMax })}
            </p>
          )}
        </div>
        <button type="submit" class="button primary">
          {own ? t('reviews.update') : t('reviews.post')}
        </button>
      </form>
      {own ? (
        <form
          class="review-delete"
          method="post"
          action={`/movies/${movieId}/reviews/delete`}
          hx-post={`/movies/${movieId}/reviews/delete`}
          hx-target={`#${ID}`}
          hx-swap="outerHTML"
        >
          <button type="submit" class="button secondary">
            {t('reviews.delete')}
          </button>
        </form>
      ) : null}
    </div>
  )
}

function ReviewItem({ review }: { review: Review }) {
  const t = useT()
  return (
    <li class="review">
      <p class="review-head">
        <strong class="review-author"><bdi>{review.user.display_name}</bdi></strong>{' '}
        <span class="rating">
          <span class="star" aria-hidden="true"></span> {t.number(review.rating)}
          <span class="visually-hidden"> {t('reviews.outOfTen')}</span>
        </span>{' '}
        <time class="muted" datetime={review.updated_at}>
          {t.date(review.updated_at)}
        </time>
      </p>
      {/* A review in another direction than the page's (Arabic on an English page) keeps its own (audit 3, I4). */}
      {review.text ? (
        <p class="review-text" dir="auto">
          {visibleText(review.text)}
        </p>
      ) : null}
    </li>
  )
}

function Pagination({ movieId, page, totalPages, nextCursor, prevCursor }: { movieId: number; page: number; totalPages: number; nextCursor: string | null; prevCursor: string | null }) {
  const t = useT()
  if (totalPages <= 1) return null
  const base = `/movies/${movieId}/reviews`
  const link = (href: string, label: string, rel: string) => (
    <a class="button secondary" href={href} rel={rel} hx-get={href} hx-target={`#${ID}`} hx-swap="outerHTML">
      {label}
    </a>
  )
  // Both ways continue from the review at the page's edge: one read of one page, whatever the page number.
  const newer = prevCursor ? `${base}?cursor=${encodeURIComponent(prevCursor)}` : page > 1 ? `${base}?page=${page - 1}` : null
  return (
    <nav class="pagination" aria-label={t('reviews.pagesLabel')}>
      {newer ? link(newer, t('reviews.newer'), 'prev') : null}
      <span class="muted">{t('reviews.pageOf', { page: Math.min(page, totalPages), total: totalPages })}</span>
      {nextCursor ? link(`${base}?cursor=${encodeURIComponent(nextCursor)}`, t('reviews.older'), 'next') : null}
    </nav>
  )
}

/**
 * A film's reviews: the average, the signed-in user's own review as a prefilled form, and
 * everyone else's reviews, paginated. The whole block is what htmx swaps after a post.
 */
export function ReviewsSection({ movieId, movieTitle, reviews, loginHref, form, notice, textMax }: ReviewsSectionProps) {
  const t = useT()
  return (
    <div id={ID} class="reviews-body">
      <Summary average={reviews.average} count={reviews.count} />
      {notice ? (
        // htmx replaced the form that had focus: autofocus (htmx honours it on swap) keeps keyboard users here.
        <p class="form-notice success" role="status" tabindex={-1} autofocus>
          {notice}
        </p>
      ) : null}
      {loginHref ? (
        <p class="reviews-signin">
          {t.rich('reviews.signInToRate', { link: <a href={loginHref}>{t('reviews.signIn')}</a>, title: movieTitle })}
        </p>
      ) : (
        <ReviewForm movieId={movieId} own={reviews.own} form={form} textMax={textMax} />
      )}
      {reviews.results.length ? (
        <ol class="review-list" aria-label={t('reviews.listLabel', { title: movieTitle })}>
          {reviews.results.map((review) => (
            <ReviewItem review={review} />
          ))}
        </ol>
      ) : null}
      <Pagination movieId={movieId} page={reviews.page} totalPages={reviews.total_pages} nextCursor={reviews.next_cursor} prevCursor={reviews.prev_cursor} />
    </div>
  )
}
