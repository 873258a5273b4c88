import { useT } from './I18nContext'

/**
 * The reviews block when they did not arrive within the film page's deadline (or the data store
 * failed): htmx fetches the block as soon as the page loads and swaps it in; without JavaScript,
 * a link to the film's reviews page.
 */
export function DeferredReviews({ movieId }: { movieId: number }) {
  const t = useT()
  const href = `/movies/${movieId}/reviews`
  return (
    <div id="reviews-body" class="reviews-body" hx-get={href} hx-trigger="load" hx-swap="outerHTML">
      <p class="muted">
        <a href={href}>{t('perf.reviews.show')}</a>
      </p>
    </div>
  )
}
