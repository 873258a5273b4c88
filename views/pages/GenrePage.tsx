import type { Genre, MoviePage } from '../../src/catalog/types'
import { formatCount } from '../format'
import { Layout, type LayoutProps } from '../Layout'
import { MovieGrid } from '../components/MovieGrid'

export interface GenrePageProps extends Omit<LayoutProps, 'title' | 'children'> {
  genre: Genre
  page: MoviePage
  nextHref?: string
}

/** A genre's films as a poster grid that keeps loading as you scroll. */
export function GenrePage({ genre, page, nextHref, ...layout }: GenrePageProps) {
  return (
    <Layout {...layout} title={genre.name}>
      <section class="page genre-page" aria-labelledby="genre-heading">
        <h1 id="genre-heading" class="page-title">
          {genre.name}
        </h1>
        <p class="page-subtitle">
          {formatCount(page.total_results)} {page.total_results === 1 ? 'film' : 'films'}
          {page.page > 1 ? ` · page ${page.page}` : null}
        </p>
        {page.results.length ? (
          <MovieGrid movies={page.results} nextHref={nextHref} label={`${genre.name} films`} />
        ) : (
          <p class="empty-state">No films here yet.</p>
        )}
      </section>
    </Layout>
  )
}
