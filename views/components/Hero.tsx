import type { Genre, Movie } from '../../src/catalog/types'
import { formatRating, yearOf } from '../format'
import { Backdrop } from './Backdrop'
import { useT } from './I18nContext'
import { PlayButton } from './PlayButton'
import { WatchlistButton } from './WatchlistButton'

export interface HeroProps {
  movie: Movie
  genres: Genre[]
  kicker?: string
  /** The film has a ready video: Play comes first. */
  playable?: boolean
  /** Where the viewer stopped in it: Resume and Start over instead of Play. */
  resumeAt?: number
}

/** The featured title across the top of the home page: backdrop, title, overview and actions. */
export function Hero({ movie, genres, kicker, playable = false, resumeAt }: HeroProps) {
  const t = useT()
  const image = movie.backdrop_url ?? movie.poster_url
  const year = yearOf(movie.release_date)
  const rating = formatRating(movie.vote_average, movie.vote_count, t)
  const genreNames = movie.genre_ids
    .map((id) => genres.find((g) => g.id === id)?.name)
    .filter((name): name is string => Boolean(name))
    .slice(0, 3)
  return (
    <section class="hero" aria-labelledby="hero-title">
      {image ? <Backdrop url={image} class={`hero-backdrop${movie.backdrop_url ? '' : ' from-poster'}`} /> : null}
      <div class="hero-content">
        {kicker ? <p class="hero-kicker">{kicker}</p> : null}
        <h1 id="hero-title" class="hero-title">
          <bdi>{movie.title}</bdi>
        </h1>
        <p class="hero-meta">
          {rating ? (
            <span class="rating">
              <span class="star" aria-hidden="true"></span> {rating}
            </span>
          ) : null}
          {year ? <span>{year}</span> : null}
          {genreNames.map((name) => (
            <span>{name}</span>
          ))}
        </p>
        {movie.overview ? <p class="hero-overview" dir="auto">
            {movie.overview}
          </p> : null}
        <div class="hero-actions">
          {playable ? <PlayButton movieId={movie.id} title={movie.title} {...(resumeAt ? { resumeAt } : {})} /> : null}
          <a class={playable ? 'button secondary' : 'button primary'} href={`/movies/${movie.id}`}>
            <span class="icon" aria-hidden="true">ⓘ</span> {t('hero.moreInfo')}<span class="visually-hidden"> {t('hero.moreInfoAbout', { title: movie.title })}</span>
          </a>
          <WatchlistButton movieId={movie.id} title={movie.title} />
        </div>
      </div>
    </section>
  )
}
