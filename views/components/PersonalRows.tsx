import type { Movie } from '../../src/catalog/types'
import { memoCard, movieFingerprint } from '../card-memo'
import { formatRating, yearOf } from '../format'
import { DismissButton } from './DismissButton'
import { useT } from './I18nContext'
import { useListed } from './ListedContext'
import { Poster } from './Poster'
import { WatchlistButton } from './WatchlistButton'

/** One recommended film as the page shows it: the film and why, already in the reader's language. */
export interface PickCardData {
  movie: Movie
  reason: string
}

export interface PersonalRowData {
  id: string
  title: string
  picks: PickCardData[]
}

/** A recommended film's card: poster, title, the reason, My List and "Not interested" (memoised like MovieCard). */
export function PickCard(props: PickCardData) {
  const t = useT()
  const listed = useListed()
  const state = listed ? (listed.has(props.movie.id) ? 'in' : 'out') : 'none'
  const key = `pick\u0000${t.locale}\u0000${state}\u0000${props.reason}\u0000${movieFingerprint(props.movie)}`
  return memoCard(key, () => <PickCardMarkup {...props} />)
}

function PickCardMarkup({ movie, reason }: PickCardData) {
  const t = useT()
  const year = yearOf(movie.release_date)
  const rating = formatRating(movie.vote_average, movie.vote_count, t)
  const listed = useListed()
  return (
    <li class="card pick-card">
      <a class="card-link" href={`/movies/${movie.id}`}>
        <Poster url={movie.poster_url} title={movie.title} />
        <span class="card-title">{movie.title}</span>
        <span class="card-meta">
          {year}
          {year && rating ? ' · ' : null}
          {rating ? (
            <span class="rating">
              <span class="star" aria-hidden="true"></span> {rating}
            </span>
          ) : null}
        </span>
        <span class="card-reason">{reason}</span>
      </a>
      {listed ? <WatchlistButton movieId={movie.id} title={movie.title} compact /> : null}
      <DismissButton movieId={movie.id} title={movie.title} card />
    </li>
  )
}

/** What a dismissed card turns into (htmx): a note and the undo. */
export function DismissedCard({ movieId, title }: { movieId: number; title: string }) {
  const t = useT()
  return (
    <li class="card pick-card dismissed-card">
      <p class="card-reason">{t('recs.dismissed', { title })}</p>
      <DismissButton movieId={movieId} title={title} dismissed card />
    </li>
  )
}

/** What an undone card turns into (htmx): the film is back in the user's picks from the next visit. */
export function UndismissedCard({ title }: { title: string }) {
  const t = useT()
  return (
    <li class="card pick-card dismissed-card">
      <p class="card-reason">{t('recs.undismissed', { title })}</p>
    </li>
  )
}

function PersonalRow({ id, title, picks }: PersonalRowData) {
  if (picks.length === 0) return null
  const headingId = `row-${id}`
  return (
    <section class="row personal-row" aria-labelledby={headingId} id={id}>
      <div class="row-head">
        <h2 id={headingId}>{title}</h2>
      </div>
      <div class="row-viewport">
        <ul class="row-track">
          {picks.map((pick) => (
            <PickCard {...pick} />
          ))}
        </ul>
      </div>
    </section>
  )
}

/** "Top picks for you" and the "Because you liked …" rows (signed-in viewers only; never in a shared cache). */
export function PersonalRows({ rows }: { rows: PersonalRowData[] }) {
  return (
    <div class="personal-rows" id="personal-rows">
      {rows.map((row) => (
        <PersonalRow {...row} />
      ))}
    </div>
  )
}

/** While the picks are not computed yet: htmx loads them; without JavaScript, a link to the picks page. */
export function LazyPersonalRows({ href, pageHref }: { href: string; pageHref: string }) {
  const t = useT()
  return (
    <div class="personal-rows" id="personal-rows" hx-get={href} hx-trigger="load" hx-swap="outerHTML">
      <p class="muted">{t('recs.loading')}</p>
      <a href={pageHref}>{t('recs.showPicks')}</a>
    </div>
  )
}
