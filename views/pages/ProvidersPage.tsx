import type { MovieDetails } from '../../src/catalog/types'
import { Layout } from '../Layout'
import { useT } from '../components/I18nContext'
import { ProvidersBody, type ProvidersBodyProps } from '../components/WhereToWatch'

/** Where to watch a film, as its own page: what the film page's slot links to without JavaScript. */
export function ProvidersPage({ film, ...body }: ProvidersBodyProps & { film: MovieDetails }) {
  const t = useT()
  return (
    <Layout title={t('providers.pageTitle', { title: film.title })}>
      <section class="providers-section page" aria-labelledby="providers-heading">
        <h1 id="providers-heading" class="page-title">
          {t.rich('providers.pageTitle', { title: <bdi>{film.title}</bdi> })}
        </h1>
        <p>
          <a href={`/movies/${film.id}`}>{t.rich('providers.back', { title: <bdi>{film.title}</bdi> })}</a>
        </p>
        <ProvidersBody {...body} />
      </section>
    </Layout>
  )
}
