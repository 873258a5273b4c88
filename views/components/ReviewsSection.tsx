import type { Review, ReviewPage } from '../../src/reviews/service'

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

const formatDate = (iso: string) => {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
}

function Summary({ average, count }: { average: number | null; count: number }) {
  if (count === 0 || average === null) return <p class="reviews-summary muted">No ratings yet. Be the first to rate this film.</p>
  return (
    <p class="reviews-summary">
      <span class="rating">
        <span aria-hidden="true">★</span> {average.toFixed(1)}
      </span>{' '}
      <span class="muted">
        / 10 from {count} {count === 1 ? 'rating' : 'ratings'}
      </span>
    </p>
  )
}

function ReviewForm({ movieId, own, form, textMax }: { movieId: number; own?: Review; form?: ReviewFormState; textMax: number }) {
  const action = `/movies/${movieId}/reviews`
  const rating = form?.rating ?? (own ? String(own.rating) : '')
  const text = form?.text ?? own?.text ?? ''
  const errors = form?.errors ?? {}
  return (
    <div class="review-own">
      <form class="review-form" method="post" action={action} hx-post={action} hx-target={`#${ID}`} hx-swap="outerHTML" novalidate>
        <h3>{own ? 'Your review' : 'Rate this film'}</h3>
        <div class={errors.rating ? 'field invalid' : 'field'}>
          <label for="review-rating">Your rating (1–10)</label>
          <select
            id="review-rating"
            name="rating"
            required
            autofocus={errors.rating ? true : undefined}
            aria-invalid={errors.rating ? 'true' : undefined}
            aria-describedby={errors.rating ? 'review-rating-error' : undefined}
          >
            <option value="" selected={rating === ''}>
              Choose…
            </option>
            {Array.from({ length: 10 }, (_, i) => String(10 - i)).map((value) => (
              <option value={value} selected={rating === value}>
                {value}
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
          <label for="review-text">Your review (optional)</label>
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
              Up to {textMax.toLocaleString('en-US')} characters.
            </p>
          )}
        </div>
        <button type="submit" class="button primary">
          {own ? 'Update review' : 'Post review'}
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
            Delete my review
          </button>
        </form>
      ) : null}
    </div>
  )
}

function ReviewItem({ review }: { review: Review }) {
  return (
    <li class="review">
      <p class="review-head">
        <strong class="review-author">{review.user.display_name}</strong>{' '}
        <span class="rating">
          <span aria-hidden="true">★</span> {review.rating}
          <span class="visually-hidden"> out of 10</span>
        </span>{' '}
        <time class="muted" datetime={review.updated_at}>
          {formatDate(review.updated_at)}
        </time>
      </p>
      {review.text ? <p class="review-text">{review.text}</p> : null}
    </li>
  )
}

function Pagination({ movieId, page, totalPages, nextCursor }: { movieId: number; page: number; totalPages: number; nextCursor: string | null }) {
  if (totalPages <= 1) return null
  const base = `/movies/${movieId}/reviews`
  const link = (href: string, label: string, rel: string) => (
    <a class="button secondary" href={href} rel={rel} hx-get={href} hx-target={`#${ID}`} hx-swap="outerHTML">
      {label}
    </a>
  )
  return (
    <nav class="pagination" aria-label="Review pages">
      {page > 1 ? link(`${base}?page=${page - 1}`, 'Newer reviews', 'prev') : null}
      <span class="muted">
        Page {Math.min(page, totalPages)} of {totalPages}
      </span>
      {/* Older pages continue from the last review shown: one read of one page, whatever the page number. */}
      {nextCursor ? link(`${base}?cursor=${encodeURIComponent(nextCursor)}`, 'Older reviews', 'next') : null}
    </nav>
  )
}

/**
 * A film's reviews: the average, the signed-in user's own review as a prefilled form, and
 * everyone else's reviews, paginated. The whole block is what htmx swaps after a post.
 */
export function ReviewsSection({ movieId, movieTitle, reviews, loginHref, form, notice, textMax }: ReviewsSectionProps) {
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
          <a href={loginHref}>Sign in</a> to rate {movieTitle}.
        </p>
      ) : (
        <ReviewForm movieId={movieId} own={reviews.own} form={form} textMax={textMax} />
      )}
      {reviews.results.length ? (
        <ol class="review-list" aria-label={`Reviews of ${movieTitle}`}>
          {reviews.results.map((review) => (
            <ReviewItem review={review} />
          ))}
        </ol>
      ) : null}
      <Pagination movieId={movieId} page={reviews.page} totalPages={reviews.total_pages} nextCursor={reviews.next_cursor} />
    </div>
  )
}
