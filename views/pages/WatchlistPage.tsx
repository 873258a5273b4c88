import type { ListedMovie } from '../../src/watchlist/service'
import { Layout, type LayoutProps } from '../Layout'
import { MovieCard } from '../components/MovieCard'
import { WatchlistButton } from '../components/WatchlistButton'
import { useT } from '../components/I18nContext'

export interface WatchlistPageProps extends Omit<LayoutProps, 'title' | 'children'> {
  movies: ListedMovie[]
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
export function WatchlistPage({ movies, ...layout }: WatchlistPageProps) {
  const t = useT()
  return (
    <Layout {...layout} title={t('watchlist.title')}>
      <section class="page watchlist" aria-labelledby="watchlist-heading">
        <h1 id="watchlist-heading" class="page-title">
          {t('watchlist.title')}
        </h1>
        {movies.length ? (
          <p class="page-subtitle">{t('watchlist.count', { count: movies.length })}</p>
        ) : null}
        <ul class="grid watchlist-grid" aria-labelledby="watchlist-heading">
          {movies.map((movie, i) => (
            <MovieCard
              movie={movie}
              eager={i < 6}
              action={<WatchlistButton movieId={movie.id} title={movie.title} inList compact removeCard />}
            />
          ))}
        </ul>
        <WatchlistEmpty empty={movies.length === 0} />
      </section>
    </Layout>
  )
}
