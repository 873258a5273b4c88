import type { Movie } from '../../src/catalog/types'
import type { Person } from '../../src/catalog/people-types'
import type { Translator } from '../../src/i18n/translator'
import { Layout, type LayoutProps } from '../Layout'
import { initials } from '../components/CastStrip'
import { useT } from '../components/I18nContext'
import { Row } from '../components/Row'
import { departmentName } from '../components/PeopleList'

export interface PersonPageProps extends Omit<LayoutProps, 'title' | 'children'> {
  person: Person
  /** The biography's language when it is not the page's (English in place of a missing translation). */
  biographyLang?: string
}

/** Each film once, in the order given (a person may have several jobs on one film). */
function films(credits: readonly Movie[]): Movie[] {
  const seen = new Set<number>()
  return credits.filter((film) => !seen.has(film.id) && Boolean(seen.add(film.id)))
}

/** A TMDB profile photo at 185 px, and at 632 px tall for sharp phones; other URLs as they are. */
function photoSrcset(url: string): string | undefined {
  const match = /^(https?:\/\/[^?#]+\/)w185(\/[^/?#]+\.(?:jpe?g|png|webp))$/i.exec(url)
  return match ? `${url} 185w, ${match[1]}h632${match[2]} 421w` : undefined
}

/** "9 Jul 1956 · Concord, California, USA": the day in the viewer's locale (Intl), then the place as TMDB writes it. */
function lifeFact(t: Translator, day: string | null, place?: string | null): string | null {
  const date = day ? t.date(day) : ''
  return [date, place ?? ''].filter(Boolean).join(' · ') || null
}

/** A person: photo, name, what they are known for, life dates, biography and filmography (as cast, then as crew). */
export function PersonPage({ person, biographyLang, ...layout }: PersonPageProps) {
  const t = useT()
  const born = lifeFact(t, person.birthday, person.place_of_birth)
  const died = lifeFact(t, person.deathday)
  const cast = films(person.credits.cast)
  const crew = films(person.credits.crew)
  const srcset = person.profile_url ? photoSrcset(person.profile_url) : undefined
  return (
    <Layout {...layout} title={person.name} description={t('meta.person', { name: person.name })}>
      <article class="details person" aria-labelledby="person-name">
        <div class="details-body person-body">
          {person.profile_url ? (
            <img class="poster details-poster" src={person.profile_url} srcset={srcset} sizes={srcset ? '(min-width: 800px) 300px, 42vw' : undefined} alt={t('people.photoAlt', { name: person.name })} width="185" height="278" />
          ) : (
            // The initials are drawn by CSS from data-initials: a picture of the name, not text of the page.
            <span class="poster poster-missing details-poster person-initials" role="img" aria-label={t('people.noPhoto', { name: person.name })} data-initials={initials(person.name)}></span>
          )}
          <div class="details-info">
            <h1 id="person-name" class="details-title">
              <bdi>{person.name}</bdi>
            </h1>
            <dl class="person-facts">
              {person.known_for ? (
                <div>
                  <dt>{t('people.knownFor')}</dt>
                  <dd>{departmentName(t, person.known_for)}</dd>
                </div>
              ) : null}
              {born ? (
                <div>
                  <dt>{t('people.born')}</dt>
                  <dd dir="auto">{born}</dd>
                </div>
              ) : null}
              {died ? (
                <div>
                  <dt>{t('people.died')}</dt>
                  <dd>{died}</dd>
                </div>
              ) : null}
            </dl>
            <h2 class="visually-hidden">{t('people.biography')}</h2>
            {person.biography ? (
              <div class="overview biography" lang={biographyLang} dir="auto">
                {person.biography.split(/\n\s*\n/).map((paragraph) => (
                  <p>{paragraph.trim()}</p>
                ))}
              </div>
            ) : (
              <p class="muted">{t('people.noBiography')}</p>
            )}
            {person.imdb_id ? (
              <p>
                <a class="button secondary" href={`https://www.imdb.com/name/${person.imdb_id}/`} rel="noopener noreferrer">
                  {t('people.imdb')}
                </a>
              </p>
            ) : null}
          </div>
        </div>
        <Row id="as-cast" title={t('people.asCast')} movies={cast} />
        <Row id="as-crew" title={t('people.asCrew')} movies={crew} />
        {cast.length + crew.length === 0 ? (
          <section aria-labelledby="films-heading">
            <h2 id="films-heading">{t('people.films')}</h2>
            <p class="muted">{t('people.noFilms', { name: person.name })}</p>
          </section>
        ) : null}
      </article>
    </Layout>
  )
}
