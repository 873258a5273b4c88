import type { MovieDetails } from '../../src/catalog/types'
import { formatRating, formatRuntime, yearOf } from '../format'
import { Backdrop } from '../components/Backdrop'
import { Layout, type LayoutProps } from '../Layout'
import { CastStrip } from '../components/CastStrip'
import { Poster } from '../components/Poster'
import { Row } from '../components/Row'
import { TrailerFacade } from '../components/Trailer'
import { WatchlistButton } from '../components/WatchlistButton'
import { DismissButton } from '../components/DismissButton'
import { DeferredReviews } from '../components/DeferredReviews'
import { ReviewsSection, type ReviewsSectionProps } from '../components/ReviewsSection'
import { SaveForOffline } from '../components/OfflineControls'
import { GenreChips } from '../components/GenreChips'
import { useT } from '../components/I18nContext'
import { PlayButton } from '../components/PlayButton'
import { useWatched } from '../components/ListedContext'
import { useViewer } from '../components/PageContext'
import { WhereToWatchSlot } from '../components/WhereToWatch'
import { DownloadSlot } from '../components/DownloadControl'

export interface MoviePageProps extends Omit<LayoutProps, 'title' | 'children'> {
  movie: MovieDetails
  /** On the viewer's list; absent when not known in time (the button's default, "add"). */
  inList?: boolean
  /** "Not interested" for a signed-in viewer; null: not offered (src/browse/film-page.ts). */
  dismissed?: boolean | null
  /** The reviews block; null: htmx loads it after the page; absent: not offered. */
  reviews?: ReviewsSectionProps | null
  /** The overview's language when it is not the page's (TMDB had none translated: English instead). */
  overviewLang?: string
  /** The film has a ready video: Play leads to /watch/:id (the trailer stays, second). */
  playable?: boolean
  /** Where the signed-in viewer stopped: Resume and Start over instead of Play. */
  resumeAt?: number
}

/** A film's details: backdrop, poster, facts, overview, trailer, cast, similar titles, reviews. */
export function MoviePage({ movie, inList, dismissed = null, reviews, overviewLang, playable = false, resumeAt, ...layout }: MoviePageProps) {
  const year = yearOf(movie.release_date)
  const t = useT()
  const watched = useWatched().has(movie.id)
  // The viewer's region (src/http/render.tsx): the providers' fragment URL names it.
  const viewer = useViewer()
  const region = viewer.region
  const signedIn = Boolean(viewer.user)
  const rating = formatRating(movie.vote_average, movie.vote_count, t)
  const runtime = formatRuntime(movie.runtime, t)
  return (
    <Layout {...layout} title={year ? t('movie.titleWithYear', { title: movie.title, year }) : movie.title} description={movie.overview.slice(0, 160) || undefined}>
      <article class="details" aria-labelledby="movie-title">
        <div class="details-backdrop">
          {movie.backdrop_url ? <Backdrop url={movie.backdrop_url} /> : null}
        </div>
        <div class="details-body">
          <Poster
            url={movie.poster_url}
            title={movie.title}
            alt={t('movie.posterAlt', { title: movie.title })}
            class="details-poster"
            sizes="(min-width: 800px) 300px, 45vw"
            eager
          />
          <div class="details-info">
            <h1 id="movie-title" class="details-title">
              <bdi>{movie.title}</bdi> {year ? <span class="details-year">({year})</span> : null}
            </h1>
            {movie.tagline ? (
              <p class="tagline" dir="auto">
                {movie.tagline}
              </p>
            ) : null}
            <ul class="facts">
              {rating ? (
                <li class="rating">
                  <span class="star" aria-hidden="true"></span> {rating}
                  <span class="muted">
                    {' '}
                    {t('movie.votes', { count: movie.vote_count })}
                  </span>
                </li>
              ) : null}
              {year ? <li>{year}</li> : null}
              {runtime ? <li>{runtime}</li> : null}
            </ul>
            <GenreChips genres={movie.genres} label={t('movie.genres')} />
            {movie.overview ? (
              <p class="overview" lang={overviewLang} dir="auto">
                {movie.overview}
              </p>
            ) : null}
            {movie.director ? (
              <p class="credit">
                <span class="muted">{t('movie.director')}</span> <DirectorName movie={movie} />
              </p>
            ) : null}
            {watched ? (
              <p class="watched-mark">
                <span aria-hidden="true">✓</span> {t('progress.watchedMark')}
              </p>
            ) : null}
            <div class="details-actions" id="watchlist-slot">
              {playable ? <PlayButton movieId={movie.id} title={movie.title} {...(resumeAt ? { resumeAt } : {})} /> : null}
              {movie.trailer ? (
                <a class={playable ? 'button secondary' : 'button primary'} href="#trailer">
                  <span class="icon" aria-hidden="true">
                    ▶
                  </span>{' '}
                  {t('movie.trailer')}
                </a>
              ) : null}
              <WatchlistButton movieId={movie.id} title={movie.title} {...(inList === undefined ? {} : { inList })} />
              {dismissed === null ? null : <DismissButton movieId={movie.id} title={movie.title} dismissed={dismissed} />}
            </div>
            <SaveForOffline />
            {playable && signedIn ? <DownloadSlot movieId={movie.id} /> : null}
          </div>
        </div>
        {region ? <WhereToWatchSlot movieId={movie.id} region={region} /> : null}
        <TrailerFacade movie={movie} />
        <CastStrip cast={movie.cast} />
        <Row id="similar" title={t('movie.similar')} movies={movie.similar.slice(0, 15)} />
        <section class="reviews-section" id="reviews" aria-labelledby="reviews-heading">
          <h2 id="reviews-heading">{t('movie.reviews')}</h2>
          {reviews ? <ReviewsSection {...reviews} /> : reviews === null ? <DeferredReviews movieId={movie.id} /> : <p class="muted">{t('movie.reviewsSoon')}</p>}
        </section>
      </article>
    </Layout>
  )
}

/** The director's name, linking to their page when the crew names them (an older cached film may not). */
function DirectorName({ movie }: { movie: MovieDetails }) {
  const director = (movie.crew ?? []).find((member) => member.job === 'Director' && member.name === movie.director)
  const name = <bdi>{movie.director}</bdi>
  return director ? <a href={`/people/${director.id}`}>{name}</a> : name
}
