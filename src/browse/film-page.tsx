import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import { DeferredReviews } from '../../views/components/DeferredReviews'
import { ReviewsSection } from '../../views/components/ReviewsSection'
import { WatchlistButton } from '../../views/components/WatchlistButton'
import { DismissButton } from '../../views/components/DismissButton'
import type { MovieDetails } from '../catalog/types'
import type { AppEnv } from '../context'
import { reviewsSectionFor } from '../reviews/pages'

export interface DetailsSlots {
  watchlistButton: Child
  reviews: Child
}

/**
 * How long the film page waits for its reviews before it renders without them (htmx then loads
 * them after the page): the data store never holds the first byte for longer, whatever its
 * retries and timeouts do. RENDER_DEADLINE_MS overrides it (the worker tests, on a loaded machine).
 */
export const REVIEWS_DEADLINE_MS = 250

function deadlineOf(c: Context<AppEnv>): number {
  const configured = Number(c.env.platform.vars.RENDER_DEADLINE_MS)
  return Number.isFinite(configured) && configured > 0 ? configured : REVIEWS_DEADLINE_MS
}

const MISSED: unique symbol = Symbol('deadline missed')

/** `work`'s result, or MISSED when it takes longer than `ms` or fails (logged); work carries on unobserved. */
function withinDeadline<T>(c: Context<AppEnv>, work: Promise<T>, ms: number): Promise<T | typeof MISSED> {
  const failed = work.then(
    (value): T | typeof MISSED => value,
    (error: unknown): typeof MISSED => {
      // The film page still works when user data is unreachable; only these parts degrade.
      console.error(`[${c.get('requestId')}] details page: user data unavailable`, error)
      return MISSED
    },
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<typeof MISSED>((resolve) => {
    timer = setTimeout(() => resolve(MISSED), ms)
  })
  return Promise.race([failed, late]).finally(() => {
    if (timer !== undefined) clearTimeout(timer)
  })
}

/**
 * The details page's per-viewer parts: the watchlist button in its real state (from the list
 * the browsing middleware read, else one GetItem) and the reviews section, each within the
 * deadline or deferred (reviews: an htmx fragment after the page; the button: its default state).
 * Start it beside the catalog fetch; it needs only the film's id until it renders.
 */
export async function detailsSlots(c: Context<AppEnv>, movieId: number): Promise<(movie: Pick<MovieDetails, 'id' | 'title'>) => DetailsSlots> {
  const user = c.get('user')
  // The browsing middleware may already know the whole list (for the similar-titles cards).
  const known = c.get('listed')
  const listed = !user ? Promise.resolve(false) : known ? Promise.resolve(known.has(movieId)) : c.get('services').watchlist.has(user.id, movieId)
  const ms = deadlineOf(c)
  // "Not interested" for signed-in viewers (recommendations), beside the list button; like the list state, within the deadline.
  const dismissed = user ? c.get('services').recommendations.isDismissed(user.id, movieId) : Promise.resolve(null)
  const [inList, section, isDismissed] = await Promise.all([
    withinDeadline(c, listed, ms),
    // Signed in, the film's aggregate came with the session (src/routes/film-read-ahead.ts).
    withinDeadline(c, reviewsSectionFor(c, { id: movieId, title: '' }, 1, {}, { aggregateReadAhead: user !== undefined }), ms),
    withinDeadline(c, dismissed, ms),
  ])
  return (movie) => ({
    watchlistButton: (
      <>
        <WatchlistButton movieId={movie.id} title={movie.title} {...(inList === MISSED ? {} : { inList })} />
        {isDismissed === null || isDismissed === MISSED ? null : <DismissButton movieId={movie.id} title={movie.title} dismissed={isDismissed} />}
      </>
    ),
    reviews: section === MISSED ? <DeferredReviews movieId={movie.id} /> : <ReviewsSection {...section} movieTitle={movie.title} />,
  })
}
