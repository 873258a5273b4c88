import type { Child } from 'hono/jsx'
import type { Movie } from '../../src/catalog/types'
import { memoCard, movieFingerprint } from '../card-memo'
import { formatRating, yearOf } from '../format'
import { DismissButton } from './DismissButton'
import { useT } from './I18nContext'
import { useListed, useWatched } from './ListedContext'
import { useViewer } from './PageContext'
import { Poster } from './Poster'
import { WatchlistButton } from './WatchlistButton'

/**
 * What a card is for:
 * - poster: a film in a row or grid, with its My List toggle where the response knows the viewer's list;
 * - pick: a recommended film, with why (already in the reader's language) and "Not interested";
 * - list: a film on the My List page, whose toggle takes the whole card away.
 */
export type CardProps =
  | {
      variant?: 'poster'
      movie: Movie
      eager?: boolean
      /** Slot beside the link instead of the My List toggle (a form cannot sit inside a link); never memoised. */
      action?: Child
    }
  | { variant: 'pick'; movie: Movie; reason: string }
  | { variant: 'list'; movie: Movie; eager?: boolean }

export type CardVariant = NonNullable<CardProps['variant']>

/**
 * One film as a card: poster, title, year and rating, linking to its details page, then the variant's extras.
 * Rendered once per isolate for each key (views/card-memo.ts); a card with its own action slot every time.
 */
export function Card(props: CardProps) {
  if (props.variant === undefined || props.variant === 'poster') {
    if (props.action !== undefined) return <CardMarkup {...props} />
  }
  const t = useT()
  const listed = useListed()
  // A visitor's toggles link to logging in (WatchlistButton); a signed-in viewer's carry the list state.
  const state = !useViewer().user ? 'visitor' : listed ? (listed.has(props.movie.id) ? 'in' : 'out') : 'none'
  const variant: CardVariant = props.variant ?? 'poster'
  const eager = props.variant !== 'pick' && props.eager === true
  const reason = props.variant === 'pick' ? props.reason : null
  const watched = useWatched().has(props.movie.id)
  // Everything the markup reads but the film, as JSON: free text (a reason) cannot make two different cards one key.
  const key = `card${JSON.stringify([variant, t.locale, state, eager, reason, watched])}${movieFingerprint(props.movie)}`
  return memoCard(key, () => <CardMarkup {...props} />)
}

function CardMarkup(props: CardProps) {
  const { movie } = props
  const t = useT()
  const year = yearOf(movie.release_date)
  const rating = formatRating(movie.vote_average, movie.vote_count, t)
  const watched = useWatched().has(movie.id)
  return (
    <li class={props.variant === 'pick' ? 'card pick-card' : 'card'}>
      <a class="card-link" href={`/movies/${movie.id}`}>
        <Poster url={movie.poster_url} title={movie.title} eager={props.variant !== 'pick' && props.eager} />
        {/* A title in another script than the page's (Arabic in an English page, English in a Hebrew one) keeps its own direction (docs/i18n.md). */}
        <span class="card-title" dir="auto">
          <bdi>{movie.title}</bdi>
        </span>
        <span class="card-meta">
          {year}
          {year && rating ? ' · ' : null}
          {rating ? (
            <span class="rating">
              <span class="star" aria-hidden="true"></span> {rating}
            </span>
          ) : null}
        </span>
        {watched ? (
          <span class="card-watched">
            <span aria-hidden="true">✓</span> {t('progress.watchedMark')}
          </span>
        ) : null}
        {props.variant === 'pick' ? <span class="card-reason">{props.reason}</span> : null}
      </a>
      <CardActions {...props} />
    </li>
  )
}

/** The forms beside the link (a form cannot sit inside one). */
function CardActions(props: CardProps) {
  const { movie } = props
  // Where the response knows the viewer's list, a poster or pick card gets its My List toggle.
  const listed = useListed()
  const toggle = listed ? <WatchlistButton movieId={movie.id} title={movie.title} compact /> : null
  switch (props.variant) {
    case 'pick':
      return (
        <>
          {toggle}
          <DismissButton movieId={movie.id} title={movie.title} card />
        </>
      )
    case 'list':
      return <WatchlistButton movieId={movie.id} title={movie.title} inList compact removeCard />
    default:
      return props.action ?? toggle
  }
}
