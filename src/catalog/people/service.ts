import type { Catalog, CatalogOptions } from '../types'
import type { Person, PersonSummary } from '../people-types'
import { DEFAULT_LOCALE } from '../../i18n/locales'

/** People: a person with their filmography, and people in search. One use case each, shared by the page and the JSON API. */

/** A person and, when the biography is English in place of a missing translation, that language. */
export interface PersonModel {
  person: Person
  biographyLang?: string
}

/**
 * The person in the viewer's language; TMDB has no biography in every language, so then the English one (cached
 * like any person), marked with its language so screen readers switch voice. null: no such person.
 */
export async function personFor(catalog: Catalog, id: number, options: CatalogOptions): Promise<PersonModel | null> {
  const person = await catalog.person(id, options)
  if (!person) return null
  if (person.biography || (options.language ?? DEFAULT_LOCALE) === DEFAULT_LOCALE || catalog.source !== 'tmdb') return { person }
  const english = await catalog.person(id, { language: DEFAULT_LOCALE }).catch(() => null)
  return english?.biography ? { person: { ...person, biography: english.biography }, biographyLang: DEFAULT_LOCALE } : { person }
}

/** The fewest characters a query needs before people are looked up (one letter matches half of TMDB). */
export const PEOPLE_QUERY_MIN = 2
export const PEOPLE_IN_SEARCH = 4

/** Up to four people for a search; a failure leaves them out (the films still answer). */
export async function peopleFor(catalog: Catalog, query: string, options: CatalogOptions, warn: (error: unknown) => void): Promise<PersonSummary[]> {
  if (query.trim().length < PEOPLE_QUERY_MIN) return []
  return catalog.searchPeople(query.trim(), { ...options, limit: PEOPLE_IN_SEARCH }).catch((error: unknown) => {
    warn(error)
    return []
  })
}
