import type { CatalogOptions, Genre, MovieDetails } from '../catalog/types'
import type { SessionUser } from '../context'
import type { ReadPlan } from '../data/prefetch'
import { DEFAULT_LOCALE } from '../i18n/locales'
import { filmPageProgressPlan } from '../progress'
import { filmPageRecommendationsPlan } from '../recommendations'
import { filmPageReviewsPlan } from '../reviews'
import { reviewsSection } from '../reviews/section'
import type { Services } from '../services'
import type { ReviewsSectionProps } from '../../views/components/ReviewsSection'

/**
 * How long the film page waits for its per-viewer parts before it renders without them (the reviews then load
 * by htmx after the page; the buttons show their default state): the data store never holds the first byte
 * longer, whatever its retries and timeouts do. RENDER_DEADLINE_MS overrides it (tests on a loaded machine).
 */
export const REVIEWS_DEADLINE_MS = 250

/** Who is looking, and the request's ports. */
export interface FilmViewer {
  readonly services: Pick<Services, 'catalog' | 'watchlist' | 'reviews' | 'recommendations' | 'videos' | 'progress'>
  readonly user?: SessionUser
  /** Ids on the viewer's list (src/watchlist/middleware.ts), when the browsing middleware read them. */
  readonly listed?: ReadonlySet<number>
  /** The viewer's catalog options: their language (the page's). */
  readonly options: CatalogOptions
  readonly deadlineMs: number
  /** Logs a part that failed (the page renders without it). */
  readonly warn: (message: string, error: unknown) => void
}

/** What the film page shows: the film and, for its viewer, each part in time or what it degrades to. */
export interface FilmPageModel {
  movie: MovieDetails
  genres: Genre[]
  /** The overview's language when it is not the page's (English in place of a missing translation). */
  overviewLang?: string
  /** On the viewer's list; undefined: not known in time (the button's default, "add"). */
  inList?: boolean
  /** "Not interested"; null: not offered (visitors) or not known in time. */
  dismissed: boolean | null
  /** The reviews block; null: not in time, htmx loads it after the page. */
  reviews: ReviewsSectionProps | null
  /** The film has a ready, published video: the page offers Play. */
  playable: boolean
  /** Where the signed-in viewer stopped, when worth resuming: "Resume 12:34" and "Start over". */
  resumeAt?: number
  /** The ready-video map was not read in time: the page must not be shared (a later copy may offer Play). */
  provisional: boolean
}

/**
 * A signed-in viewer's reads of a film page (the film's aggregate, their review, "not interested", recent views),
 * named before authentication so they come back with the session's profile in one call (services.readAhead).
 */
export const filmPageReadPlan = (movieId: number): ReadPlan[] => [filmPageReviewsPlan(movieId), filmPageRecommendationsPlan(movieId), filmPageProgressPlan(movieId)]

const MISSED: unique symbol = Symbol('deadline missed')

/** `work`'s result, or MISSED when it takes longer than `ms` or fails (logged); the work carries on unobserved. */
function withinDeadline<T>(viewer: FilmViewer, work: Promise<T>): Promise<T | typeof MISSED> {
  const failed = work.then(
    (value): T | typeof MISSED => value,
    (error: unknown): typeof MISSED => {
      // The film page still works when user data is unreachable; only these parts degrade.
      viewer.warn('details page: user data unavailable', error)
      return MISSED
    },
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<typeof MISSED>((resolve) => {
    timer = setTimeout(() => resolve(MISSED), viewer.deadlineMs)
  })
  return Promise.race([failed, late]).finally(() => {
    if (timer !== undefined) clearTimeout(timer)
  })
}

/**
 * TMDB has no overview in every language: then the English one (cached like any details), marked with its
 * language so screen readers switch voice. A film without any overview stays without.
 */
async function overviewOrEnglish(viewer: FilmViewer, movie: MovieDetails): Promise<{ text: string; lang?: string }> {
  const { catalog } = viewer.services
  if (movie.overview || (viewer.options.language ?? DEFAULT_LOCALE) === DEFAULT_LOCALE || catalog.source !== 'tmdb') return { text: movie.overview }
  const english = await catalog.details(movie.id, { language: DEFAULT_LOCALE }).catch(() => null)
  return english?.overview ? { text: english.overview, lang: DEFAULT_LOCALE } : { text: '' }
}

/**
 * The film page for its viewer, or null when there is no such film. The catalog's film and genres, and beside them
 * the per-viewer parts, each within the deadline: the list state (from the list the browsing middleware read, else
 * one GetItem), "not interested" and the reviews (signed in, the film's aggregate came with the session).
 */
export async function loadFilmPage(viewer: FilmViewer, movieId: number): Promise<FilmPageModel | null> {
  const { catalog, watchlist, recommendations, reviews } = viewer.services
  const user = viewer.user
  const listed = !user ? Promise.resolve(false) : viewer.listed ? Promise.resolve(viewer.listed.has(movieId)) : watchlist.has(user.id, movieId)
  const dismissed = user ? recommendations.isDismissed(user.id, movieId) : Promise.resolve(null)
  const resume = user ? viewer.services.progress.resumeAt(user.id, movieId) : Promise.resolve(0)
  const section = reviewsSection(reviews, user?.id, { id: movieId, title: '' }, 1, {}, { aggregateReadAhead: user !== undefined })
  const [movie, genres, inList, isDismissed, reviewsPart, film, resumeAt] = await Promise.all([
    catalog.details(movieId, viewer.options),
    catalog.genres(viewer.options),
    withinDeadline(viewer, listed),
    withinDeadline(viewer, dismissed),
    withinDeadline(viewer, section),
    // The isolate's ready-video map (within its own deadline): unreadable, no Play button and a page not shared.
    viewer.services.videos.filmVideo(movieId).catch(() => ({ video: null, provisional: true })),
    withinDeadline(viewer, resume),
  ])
  if (!movie) return null
  // A signed-in viewer's recent views feed their picks (written after the response).
  if (user) recommendations.recordView(user.id, movieId, viewer.options)
  const overview = await overviewOrEnglish(viewer, movie)
  return {
    movie: { ...movie, overview: overview.text },
    genres,
    ...(overview.lang ? { overviewLang: overview.lang } : {}),
    ...(inList === MISSED ? {} : { inList }),
    dismissed: isDismissed === MISSED ? null : isDismissed,
    reviews: reviewsPart === MISSED ? null : { ...reviewsPart, movieTitle: movie.title },
    playable: film.video !== null,
    ...(film.video !== null && resumeAt !== MISSED && resumeAt > 0 ? { resumeAt } : {}),
    provisional: film.provisional,
  }
}
