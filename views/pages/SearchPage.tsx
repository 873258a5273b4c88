import type { Genre, MoviePage } from '../../src/catalog/types'
import { formatCount } from '../format'
import { Layout, type LayoutProps } from '../Layout'
import { MovieGrid } from '../components/MovieGrid'
import { GenreChips } from '../components/GenreChips'

export interface SearchResultsProps {
  query: string
  results: MoviePage | null
  genres: Genre[]
  /** The URL of the next page of results, when there is one. */
  nextHref?: string
}

function summary(query: string, results: MoviePage | null): string {
  if (!query || !results) return 'Type a title to search the catalog.'
  if (results.total_results === 0) return `No films match “${query}”.`
  const n = results.total_results
  return `${formatCount(n)} ${n === 1 ? 'film matches' : 'films match'} “${query}”.`
}

/**
 * What the search swaps into <main>: heading, count, results grid or an empty
 * state. Also updates the persistent live region out of band so screen readers
 * hear the count, and the document title.
 */
export function SearchResults({ query, results, genres, nextHref }: SearchResultsProps) {
  const text = summary(query, results)
  return (
    <section class="page search-page" aria-labelledby="search-heading" aria-live="polite">
      <h1 id="search-heading" class="page-title">
        {query ? (
          <>
            Results for <q>{query}</q>
          </>
        ) : (
          'Search'
        )}
      </h1>
      <p class="page-subtitle">{text}</p>
      {results && results.results.length > 0 ? (
        <MovieGrid movies={results.results} nextHref={nextHref} label={`Search results for ${query}`} />
      ) : (
        <div class="empty-state">
          <p>{query ? 'Try another title, or browse a genre:' : 'Or browse a genre:'}</p>
          <GenreChips genres={genres} />
        </div>
      )}
    </section>
  )
}

/** The htmx response for a typed search: the results, the new title and the live-region text. */
export function SearchFragment(props: SearchResultsProps) {
  return (
    <>
      <title>{props.query ? `${props.query} · Search · Flixpeek` : 'Search · Flixpeek'}</title>
      <SearchResults {...props} />
      <p id="live-status" hx-swap-oob="innerHTML">
        {summary(props.query, props.results)}
      </p>
    </>
  )
}

export function SearchPage(props: SearchResultsProps & Omit<LayoutProps, 'title' | 'children'>) {
  const { query, results, genres, nextHref, ...layout } = props
  return (
    <Layout {...layout} genres={genres} query={query} title={query ? `${query} · Search` : 'Search'}>
      <SearchResults query={query} results={results} genres={genres} nextHref={nextHref} />
    </Layout>
  )
}
