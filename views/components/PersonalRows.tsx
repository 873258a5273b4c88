import type { Movie } from '../../src/catalog/types'
import { Card } from './Card'
import { DismissButton } from './DismissButton'
import { useT } from './I18nContext'

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
            <Card variant="pick" movie={pick.movie} reason={pick.reason} />
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
