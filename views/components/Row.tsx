import type { Watching } from '../../src/browse/home-row'
import type { Movie } from '../../src/catalog/types'
import { Card } from './Card'
import { useT } from './I18nContext'
import { WatchingProgress } from './WatchingProgress'

export interface RowProps {
  /** Unique on the page; used for the heading id. */
  id: string
  title: string
  movies: Movie[]
  /** "See all" link, e.g. the genre page. */
  moreHref?: string
  /** Posters of the first row(s) load eagerly: they are above the fold. */
  eager?: boolean
  /** Continue watching: where the viewer stopped in each film; each card shows how much and "Remove from row". */
  watching?: Record<number, Watching>
}

/**
 * A titled, horizontally scrolling strip of posters. The track scrolls natively
 * (mouse wheel, trackpad, touch) and snaps to cards; every card is a link, so Tab
 * reaches each one and scrolls it into view. app.js adds arrow-key movement and
 * the prev/next buttons (hidden without JavaScript).
 */
export function Row({ id, title, movies, moreHref, eager, watching }: RowProps) {
  const t = useT()
  if (movies.length === 0) return null
  const headingId = `row-${id}`
  return (
    <section class="row" aria-labelledby={headingId}>
      <div class="row-head">
        <h2 id={headingId}>{title}</h2>
        {moreHref ? (
          <a class="row-more" href={moreHref}>
            {t('row.seeAll')}<span class="visually-hidden"> {title}</span>
          </a>
        ) : null}
      </div>
      <div class="row-viewport">
        <button type="button" class="row-nav prev" data-dir="-1" aria-label={t('row.scrollBack', { title })} hidden>
          <span aria-hidden="true">‹</span>
        </button>
        <ul class="row-track">
          {movies.map((movie, i) => (
            watching ? (
              <Card movie={movie} eager={eager && i < 6} action={<WatchingProgress movieId={movie.id} title={movie.title} fraction={watching[movie.id]?.fraction ?? 0} />} />
            ) : (
              <Card movie={movie} eager={eager && i < 6} />
            )
          ))}
        </ul>
        <button type="button" class="row-nav next" data-dir="1" aria-label={t('row.scrollForward', { title })} hidden>
          <span aria-hidden="true">›</span>
        </button>
      </div>
    </section>
  )
}
