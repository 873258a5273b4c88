import type { MovieDetails } from '../../src/catalog/types'
import { yearOf } from '../format'
import { Layout, type LayoutProps } from '../Layout'
import { ReviewsSection, type ReviewsSectionProps } from '../components/ReviewsSection'
import { useT } from '../components/I18nContext'

export interface ReviewsPageProps extends Omit<LayoutProps, 'title' | 'children'> {
  movie: Pick<MovieDetails, 'id' | 'title' | 'release_date'>
  section: Omit<ReviewsSectionProps, 'movieId' | 'movieTitle'>
}

/**
 * A film's reviews on their own page: later pages of reviews without JavaScript, and a
 * rejected review form (with what the user typed and what to fix) when a plain form post fails.
 */
export function ReviewsPage({ movie, section, ...layout }: ReviewsPageProps) {
  const t = useT()
  const year = yearOf(movie.release_date)
  const name = year ? t('movie.titleWithYear', { title: movie.title, year }) : movie.title
  return (
    <Layout {...layout} title={t('reviews.pageTitle', { name })} description={t('meta.reviews', { name })}>
      <section class="page reviews-section" id="reviews" aria-labelledby="reviews-heading">
        <p class="back-link">
          <a href={`/movies/${movie.id}`}>{t('reviews.back', { title: movie.title })}</a>
        </p>
        <h1 id="reviews-heading" class="page-title">{t('reviews.pageTitle', { name })}</h1>
        <ReviewsSection movieId={movie.id} movieTitle={movie.title} {...section} />
      </section>
    </Layout>
  )
}
