import type { Genre, Movie } from '../../src/catalog/types'
import { Layout, type LayoutProps } from '../Layout'
import { Hero } from '../components/Hero'
import { Row } from '../components/Row'
import { GenreChips } from '../components/GenreChips'
import type { HomeRow, HomeSection } from '../../src/browse/home-row'
import { useT } from '../components/I18nContext'
import { LazyPersonalRows, PersonalRows } from '../components/PersonalRows'

export type { HomeRow }

export interface HomePageProps extends Omit<LayoutProps, 'title' | 'children'> {
  featured: Movie | null
  /** The featured film has a ready video: the hero offers Play. */
  featuredPlayable?: boolean
  /** Where the viewer stopped in it: the hero offers Resume and Start over. */
  featuredResumeAt?: number | undefined
  genres: Genre[]
  /** The page's rows in order (src/browse/home-rows.ts): poster rows, and a signed-in viewer's pick rows. */
  sections: HomeSection[]
  /** Genres whose rows load as the visitor scrolls (links without JavaScript). */
  lazyGenres: Genre[]
  /** Where htmx fetches the next rows from. */
  lazyHref?: string
}

/** One section of the home page, drawn with its card type. */
function Section({ section, eager }: { section: HomeSection; eager: boolean }) {
  if ('row' in section) return <Row {...section.row} eager={eager} />
  if ('rows' in section) return <PersonalRows rows={section.rows} />
  return <LazyPersonalRows {...section.later} />
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

export function HomePage({ featured, featuredPlayable = false, featuredResumeAt, genres, sections, lazyGenres, lazyHref, ...layout }: HomePageProps) {
  const t = useT()
  // The first row of posters loads its images eagerly (it is in view at once).
  const firstPosters = sections.find((section) => 'row' in section)
  return (
    <Layout {...layout} genres={genres} title={t('brand.name')} description={t('home.description')}>
      {featured ? (
        <Hero movie={featured} genres={genres} kicker={t('home.kicker')} playable={featuredPlayable} {...(featuredResumeAt ? { resumeAt: featuredResumeAt } : {})} />
      ) : (
        <h1 class="page-title">{t('brand.name')}</h1>
      )}
      <div class="rows">
        {sections.map((section) => (
          <Section section={section} eager={section === firstPosters} />
        ))}
        {lazyHref ? <LazyRows href={lazyHref} genres={lazyGenres} /> : null}
      </div>
    </Layout>
  )
}
