import type { PersonSummary } from '../../src/catalog/people-types'
import type { MessageKey } from '../../src/i18n/catalogue'
import type { Translator } from '../../src/i18n/translator'
import { initials } from './CastStrip'
import { useT } from './I18nContext'
import { sizedImage } from '../format'

/** TMDB's departments (its `known_for_department`), named in the viewer's language; another stays as TMDB wrote it. */
const DEPARTMENTS: Record<string, MessageKey> = {
  Acting: 'people.dept.acting',
  Directing: 'people.dept.directing',
  Writing: 'people.dept.writing',
  Production: 'people.dept.production',
  Sound: 'people.dept.sound',
  Camera: 'people.dept.camera',
  Editing: 'people.dept.editing',
  Art: 'people.dept.art',
  'Costume & Make-Up': 'people.dept.costume',
  'Visual Effects': 'people.dept.effects',
  Lighting: 'people.dept.lighting',
  Crew: 'people.dept.crew',
}

export function departmentName(t: Translator, department: string): string {
  const key = DEPARTMENTS[department]
  return key ? t(key) : department
}

/** People found by a search, above the films: photo (or initials), name and what they are known for, each a link. */
export function PeopleList({ people }: { people: readonly PersonSummary[] }) {
  const t = useT()
  if (people.length === 0) return null
  return (
    <section class="people-results" aria-labelledby="people-heading">
      <h2 id="people-heading">{t('search.people')}</h2>
      <ul class="cast-strip people-strip">
        {people.map((person) => (
          <li class="cast-member">
            <a class="cast-link" href={`/people/${person.id}`}>
              {person.profile_url ? (
                <img class="cast-photo" src={sizedImage(person.profile_url, 185)} alt="" width="185" height="278" loading="lazy" decoding="async" />
              ) : (
                <span class="cast-photo cast-initials" aria-hidden="true">
                  {initials(person.name)}
                </span>
              )}
              <span class="cast-name" dir="auto">
                {person.name}
              </span>
              {person.known_for ? <span class="cast-character">{departmentName(t, person.known_for)}</span> : null}
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}
