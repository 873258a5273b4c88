import type { Child } from 'hono/jsx'
import type { Movie } from '../../src/catalog/types'
import { memoCard, movieFingerprint } from '../card-memo'
import { formatRating, yearOf } from '../format'
import { useT } from './I18nContext'
import { useListed } from './ListedContext'
import { useViewer } from './PageContext'
import { Poster } from './Poster'
import { WatchlistButton } from './WatchlistButton'

export interface MovieCardProps {
  movie: Movie
  /** Slot beside the link, e.g. a compact WatchlistButton (a form cannot sit inside a link). */
  action?: Child
  eager?: boolean
}

/**
 * One film in a row or grid: poster, title, year and rating, linking to its details page. Rendered once per film,
 * language, list state and loading mode per isolate (views/card-memo.ts); a card with its own action slot every time.
 */
export function MovieCard(props: MovieCardProps) {
  if (props.action !== undefined) return <CardMarkup {...props} />
  const t = useT()
  const listed = useListed()
  // A visitor's cards link to logging in (WatchlistButton); a signed-in viewer's carry the list state.
  const state = !useViewer().user ? 'visitor' : listed ? (listed.has(props.movie.id) ? 'in' : 'out') : 'none'
  const key = `movie\u0000${t.locale}\u0000${state}\u0000${props.eager ? 1 : 0}\u0000${movieFingerprint(props.movie)}`
  return memoCard(key, () => <CardMarkup {...props} />)
}

function CardMarkup({ movie, action, eager }: MovieCardProps) {
  const year = yearOf(movie.release_date)
  const t = useT()
  const rating = formatRating(movie.vote_average, movie.vote_count, t)
  // Where the response knows the viewer's list, every card gets its My List toggle.
  const listed = useListed()
  return (
    <li class="card">
      <a class="card-link" href={`/movies/${movie.id}`}>
        <Poster url={movie.poster_url} title={movie.title} eager={eager} />
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
      </a>
      {action ?? (listed ? <WatchlistButton movieId={movie.id} title={movie.title} compact /> : null)}
    </li>
  )
}
