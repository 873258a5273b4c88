import type { Genre, MoviePage } from '../../src/catalog/types'
import type { Translator } from '../../src/i18n/translator'
import { Layout, type LayoutProps } from '../Layout'
import { MovieGrid } from '../components/MovieGrid'
import { GenreChips } from '../components/GenreChips'
import { useT } from '../components/I18nContext'
import { PeopleList } from '../components/PeopleList'
import type { PersonSummary } from '../../src/catalog/people-types'

export interface SearchResultsProps {
  query: string
  results: MoviePage | null
  genres: Genre[]
  /** People whose names match (up to four), shown above the films. */
  people?: readonly PersonSummary[]
  /** The URL of the next page of results, when there is one. */
  nextHref?: string
}

function summary(t: Translator, query: string, results: MoviePage | null): string {
  if (!query || !results) return t('search.prompt')
  if (results.total_results === 0) return t('search.none', { query })
  return t('search.count', { count: results.total_results, query })
}

/**
 * What the search swaps into <main>: heading, count, results grid or an empty
 * state. Also updates the persistent live region out of band so screen readers
 * hear the count, and the document title.
 */
export function SearchResults({ query, results, people = [], genres, nextHref }: SearchResultsProps) {
  const t = useT()
  const text = summary(t, query, results)
  return (
    <section class="page search-page" aria-labelledby="search-heading" aria-live="polite">
      <h1 id="search-heading" class="page-title">
        {query ? t.rich('search.resultsFor', { query: <q>{query}</q> }) : t('search.heading')}
      </h1>
      <p class="page-subtitle">{text}</p>
      <PeopleList people={people} />
      {results && results.results.length > 0 ? (
        <MovieGrid movies={results.results} nextHref={nextHref} label={t('search.gridLabel', { query })} />
      ) : (
        <div class="empty-state">
          <p>{query ? t('search.tryAnother') : t('search.browse')}</p>
          <GenreChips genres={genres} />
        </div>
      )}
    </section>
  )
}

/** The htmx response for a typed search: the results, the new title and the live-region text. */
export function SearchFragment(props: SearchResultsProps) {
  const t = useT()
  return (
    <>
      <title>{t('layout.title', { title: props.query ? t('search.titleQuery', { query: props.query }) : t('search.title') })}</title>
      <SearchResults {...props} />
      <p id="live-status" hx-swap-oob="innerHTML">
        {summary(t, props.query, props.results)}
      </p>
    </>
  )
}

export function SearchPage(props: SearchResultsProps & Omit<LayoutProps, 'title' | 'children'>) {
  const { query, results, people, genres, nextHref, ...layout } = props
  const t = useT()
  return (
    <Layout {...layout} genres={genres} query={query} title={query ? t('search.titleQuery', { query }) : t('search.title')}
      description={query ? t('meta.searchQuery', { query }) : t('meta.search')}
    >
      <SearchResults query={query} results={results} people={people} genres={genres} nextHref={nextHref} />
    </Layout>
  )
}
