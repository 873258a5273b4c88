import type { Movie } from '../../src/catalog/types'
import { Card } from './Card'
import { useT } from './I18nContext'

export interface MoreLinkProps {
  /** URL of the next page (full page without JavaScript; htmx fetches just the next cards). */
  href: string
  label?: string
}

/**
 * The list item that loads the next page: a plain link without JavaScript; with
 * htmx it fetches the next cards as soon as it scrolls into view and replaces
 * itself with them (and with the following sentinel, if any).
 */
export function MoreItem({ href, label }: MoreLinkProps) {
  const t = useT()
  return (
    <li class="grid-more">
      <a class="button secondary" href={href} hx-get={href} hx-trigger="intersect once" hx-target="closest li" hx-swap="outerHTML" hx-indicator="#progress">
        {label ?? t('grid.loadMore')}
      </a>
    </li>
  )
}

/** The cards of one page plus the sentinel for the next: the fragment appended by infinite scroll. */
export function GridItems({ movies, nextHref, eagerCount = 0 }: { movies: Movie[]; nextHref?: string; eagerCount?: number }) {
  return (
    <>
      {movies.map((movie, i) => (
        <Card movie={movie} eager={i < eagerCount} />
      ))}
      {nextHref ? <MoreItem href={nextHref} /> : null}
    </>
  )
}

/** A responsive grid of posters with infinite scroll. */
export function MovieGrid({ movies, nextHref, label }: { movies: Movie[]; nextHref?: string; label: string }) {
  return (
    <ul class="grid" aria-label={label}>
      <GridItems movies={movies} nextHref={nextHref} eagerCount={6} />
    </ul>
  )
}
