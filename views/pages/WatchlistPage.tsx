import type { ListedMovie } from '../../src/watchlist/service'
import { Layout, type LayoutProps } from '../Layout'
import { Card } from '../components/Card'
import { MoreItem } from '../components/MovieGrid'
import { useT } from '../components/I18nContext'
import { SaveListSwitch } from '../components/OfflineControls'

export interface WatchlistPageProps extends Omit<LayoutProps, 'title' | 'children'> {
  /** The first page of the list (60 films). */
  movies: ListedMovie[]
  /** Films on the list in all. */
  total: number
  /** The next page (infinite scroll; a plain link without JavaScript). */
  nextHref?: string
  /** A friendly notice, e.g. why a film could not be added. */
  notice?: string
}

/** One page of list cards, each removable in place, plus the sentinel that loads the next page. */
export function WatchlistItems({ movies, nextHref, eagerCount = 0 }: { movies: ListedMovie[]; nextHref?: string; eagerCount?: number }) {
  return (
    <>
      {movies.map((movie, i) => (
        <Card variant="list" movie={movie} eager={i < eagerCount} />
      ))}
      {nextHref ? <MoreItem href={nextHref} /> : null}
    </>
  )
}

/** Shown when the list is empty; also swapped in (out of band) when the last film is removed in place. */
export function WatchlistEmpty({ empty, oob }: { empty: boolean; oob?: boolean }) {
  const t = useT()
  return (
    <div id="watchlist-empty" class="empty-state" hx-swap-oob={oob ? 'true' : undefined}>
      {empty ? (
        <>
          <p>{t('watchlist.empty')}</p>
          <p class="muted">{t('watchlist.emptyHint')}</p>
          <p>
            <a class="button primary" href="/">
              {t('watchlist.browse')}
            </a>
          </p>
        </>
      ) : null}
    </div>
  )
}

/** My List: the user's films, newest first, each removable in place. */
export function WatchlistPage({ movies, total, nextHref, notice, ...layout }: WatchlistPageProps) {
  const t = useT()
  return (
    <Layout {...layout} title={t('watchlist.title')}>
      <section class="page watchlist" aria-labelledby="watchlist-heading">
        <h1 id="watchlist-heading" class="page-title">
          {t('watchlist.title')}
        </h1>
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        {movies.length ? (
          <p class="page-subtitle">{t('watchlist.count', { count: total })}</p>
        ) : null}
        <SaveListSwitch />
        <ul class="grid watchlist-grid" aria-labelledby="watchlist-heading">
          <WatchlistItems movies={movies} nextHref={nextHref} eagerCount={6} />
        </ul>
        <WatchlistEmpty empty={movies.length === 0} />
      </section>
    </Layout>
  )
}
