import type { Child } from 'hono/jsx'
import type { Genre, Movie } from '../../src/catalog/types'
import { Layout, type LayoutProps } from '../Layout'
import { Hero } from '../components/Hero'
import { Row } from '../components/Row'
import { GenreChips } from '../components/GenreChips'
import type { HomeRow } from '../../src/catalog/home'
import { useT } from '../components/I18nContext'

export type { HomeRow }

export interface HomePageProps extends Omit<LayoutProps, 'title' | 'children'> {
  featured: Movie | null
  genres: Genre[]
  rows: HomeRow[]
  /** Genres whose rows load as the visitor scrolls (links without JavaScript). */
  lazyGenres: Genre[]
  /** Where htmx fetches the next rows from. */
  lazyHref?: string
  /** Replaces the hero's default My List button (signed-in state). */
  heroWatchlistButton?: Child
  /** Signed-in viewers' personal rows (top picks, "because you liked"); absent for visitors. */
  personal?: Child
}

/** Rows that load when scrolled into view; without JavaScript, links to the same genres. */
export function LazyRows({ href, genres }: { href: string; genres: Genre[] }) {
  const t = useT()
  if (genres.length === 0) return null
  return (
    <div class="lazy-rows" hx-get={href} hx-trigger="intersect once" hx-swap="outerHTML" hx-indicator="#progress">
      <h2 class="lazy-heading">{t('home.moreGenres')}</h2>
      <GenreChips genres={genres} />
    </div>
  )
}

/** The lazily loaded part of the home page: a few more rows and the sentinel for the rest. */
export function HomeRowsFragment({ rows, lazyHref, lazyGenres }: { rows: HomeRow[]; lazyHref?: string; lazyGenres: Genre[] }) {
  return (
    <>
      {rows.map((row) => (
        <Row {...row} />
      ))}
      {lazyHref ? <LazyRows href={lazyHref} genres={lazyGenres} /> : null}
    </>
  )
}

export function HomePage({ featured, genres, rows, lazyGenres, lazyHref, heroWatchlistButton, personal, ...layout }: HomePageProps) {
  const t = useT()
  return (
    <Layout {...layout} genres={genres} title={t('brand.name')} description={t('home.description')}>
      {featured ? (
        <Hero movie={featured} genres={genres} kicker={t('home.kicker')} watchlistButton={heroWatchlistButton} />
      ) : (
        <h1 class="page-title">{t('brand.name')}</h1>
      )}
      <div class="rows">
        {personal ?? null}
        {rows.map((row, i) => (
          <Row {...row} eager={i === 0} />
        ))}
        {lazyHref ? <LazyRows href={lazyHref} genres={lazyGenres} /> : null}
      </div>
    </Layout>
  )
}
