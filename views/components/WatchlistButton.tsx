import { useT } from './I18nContext'
import { useListed } from './ListedContext'
import { useViewer } from './PageContext'

export interface WatchlistButtonProps {
  movieId: number
  title: string
  /** Whether the film is already on the signed-in user's list; defaults to the response's list state (ListedContext). */
  inList?: boolean
  /** Icon-only variant for cards. */
  compact?: boolean
  /** On the My List page: removing takes the whole card away (htmx swaps the closest list item). */
  removeCard?: boolean
}

/**
 * Add to / remove from My List: a toggle (aria-pressed) inside a plain form, so it works
 * without JavaScript (the POST answers 303 back to the page). htmx posts it in place and
 * swaps in the button the server returns; the hidden fields tell the server which variant
 * to send back. Anonymous users are sent to /login?next=… (htmx: HX-Redirect).
 */
export function WatchlistButton({ movieId, title, inList: listedProp, compact = false, removeCard = false }: WatchlistButtonProps) {
  const listed = useListed()
  const t = useT()
  // A visitor's card button only leads to logging in: a link, not a form (60 fewer forms for htmx to wire up on home,
  // and less markup); after logging in they land on the film's page, where the full button adds it.
  if (compact && !useViewer().user) {
    return (
      <a class="button secondary watchlist-signin" href={`/login?next=${encodeURIComponent(`/movies/${movieId}`)}`} aria-label={t('watchlist.add', { title })}>
        <span class="icon" aria-hidden="true">
          +
        </span>
      </a>
    )
  }
  const inList = listedProp ?? listed?.has(movieId) ?? false
  const action = inList ? `/watchlist/${movieId}/remove` : `/watchlist/${movieId}`
  const hint = inList ? t('watchlist.remove', { title }) : t('watchlist.add', { title })
  const swapCard = removeCard && inList
  return (
    <form
      class={compact ? 'watchlist-form compact' : 'watchlist-form'}
      method="post"
      action={action}
      hx-post={action}
      hx-swap="outerHTML"
      hx-target={swapCard ? 'closest li' : undefined}
    >
      {compact ? <input type="hidden" name="compact" value="1" /> : null}
      {swapCard ? <input type="hidden" name="from" value="list" /> : null}
      <button
        type="submit"
        class={inList ? 'button secondary watchlist-toggle in-list' : 'button secondary watchlist-toggle'}
        aria-label={compact ? t('watchlist.compactLabel', { title }) : undefined}
        aria-pressed={inList ? 'true' : 'false'}
        title={hint}
        data-movie-id={String(movieId)}
      >
        <span class="icon" aria-hidden="true">
          {inList ? '✓' : '+'}
        </span>
        {compact ? null : <span>{t('watchlist.button')}</span>}
      </button>
    </form>
  )
}
