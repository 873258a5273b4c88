import type { Genre, MoviePage } from '../../src/catalog/types'
import { Layout, type LayoutProps } from '../Layout'
import { MovieGrid } from '../components/MovieGrid'
import { useT } from '../components/I18nContext'

export interface GenrePageProps extends Omit<LayoutProps, 'title' | 'children'> {
  genre: Genre
  page: MoviePage
  nextHref?: string
}

/** A genre's films as a poster grid that keeps loading as you scroll. */
export function GenrePage({ genre, page, nextHref, ...layout }: GenrePageProps) {
  const t = useT()
  return (
    <Layout {...layout} title={genre.name} description={t('meta.genre', { genre: genre.name })}>
      <section class="page genre-page" aria-labelledby="genre-heading">
        <h1 id="genre-heading" class="page-title">
          {genre.name}
        </h1>
        <p class="page-subtitle">
          {t('genre.count', { count: page.total_results })}
          {page.page > 1 ? t('genre.pageSuffix', { page: page.page }) : null}
        </p>
        {page.results.length ? (
          <MovieGrid movies={page.results} nextHref={nextHref} label={t('genre.gridLabel', { genre: genre.name })} />
        ) : (
          <p class="empty-state">{t('genre.empty')}</p>
        )}
      </section>
    </Layout>
  )
}
