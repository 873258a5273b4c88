import { z } from 'zod'
import type { Freshness } from './cache'
import type { Query } from './tmdb'
import { image, toMovie, type ImageUrls } from './tmdb-map'
import { TmdbMovieSchema, lenientArray, optionalText } from './tmdb-schemas'
import type { CastCredit, CrewCredit, PeopleCatalog, Person } from './people-types'
import type { CatalogOptions } from './types'
import { foldForSearch } from './bundled/data'

/** TMDB's person endpoints (person/{id} with movie_credits appended, search/person) behind the catalog's KV cache. */


// One odd credit never fails a filmography: credit lists are read leniently.
const CreditSchema = TmdbMovieSchema.extend({ adult: z.boolean().nullish(), character: optionalText, job: optionalText })

export const TmdbPersonSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  biography: z.string().nullish().transform((value) => value ?? ''),
  birthday: optionalText,
  deathday: optionalText,
  place_of_birth: optionalText,
  profile_path: optionalText,
  known_for_department: optionalText,
  imdb_id: optionalText,
  movie_credits: z
    .object({ cast: lenientArray(CreditSchema), crew: lenientArray(CreditSchema) })
    .nullish()
    .transform((value) => value ?? { cast: [], crew: [] }),
})
type TmdbPerson = z.output<typeof TmdbPersonSchema>

const TmdbPeoplePageSchema = z.object({
  results: lenientArray(
    z.object({ id: z.number().int().positive(), name: z.string(), profile_path: optionalText, known_for_department: optionalText, adult: z.boolean().nullish() }),
  ),
})

/** What is kept in KV of a person: credits without the fields no page reads (a long career is ~200 of them). */
function trimPerson(person: TmdbPerson): unknown {
  const credit = ({ id, title, original_title, overview, release_date, poster_path, backdrop_path, vote_average, vote_count, genre_ids, adult, character, job }: TmdbPerson['movie_credits']['cast'][number]) =>
    ({ id, title, original_title, overview, release_date, poster_path, backdrop_path, vote_average, vote_count, genre_ids, adult, character, job })
  return { ...person, movie_credits: { cast: person.movie_credits.cast.map(credit), crew: person.movie_credits.crew.map(credit) } }
}

/** Newest first; films without a date last. */
export const newestFirst = <T extends { release_date: string | null }>(a: T, b: T) =>
  (b.release_date ?? '').localeCompare(a.release_date ?? '')

function toPerson(person: TmdbPerson, images: ImageUrls): Person {
  const { cast, crew } = person.movie_credits
  return {
    id: person.id,
    name: person.name,
    biography: person.biography.trim(),
    birthday: person.birthday,
    deathday: person.deathday,
    place_of_birth: person.place_of_birth,
    profile_url: image(images.base, 'w185', person.profile_path),
    known_for: person.known_for_department,
    imdb_id: person.imdb_id && /^nm\d+$/.test(person.imdb_id) ? person.imdb_id : null,
    credits: {
      cast: cast.filter((credit) => !credit.adult).map((credit): CastCredit => ({ ...toMovie(credit, images), character: credit.character })).sort(newestFirst),
      crew: crew
        .filter((credit) => !credit.adult && credit.job)
        .map((credit): CrewCredit => ({ ...toMovie(credit, images), job: credit.job! }))
        .sort(newestFirst),
    },
  }
}

export interface TmdbPeopleDeps {
  images: ImageUrls
  /** The catalog's cached, schema-checked TMDB GET (null on TMDB's 404). */
  fetchParsed: <S extends z.ZodType>(path: string, query: Query, freshness: Freshness, schema: S, store?: (parsed: z.output<S>) => unknown) => Promise<z.output<S> | null>
  /** TMDB's `language` for the viewer's. */
  language: (options?: CatalogOptions) => { language: string | undefined }
}

/** Whether every word of the query is in the name (TMDB also matches other spellings, which would puzzle here). */
export function nameHasEveryWord(name: string, query: string): boolean {
  const folded = foldForSearch(name)
  return foldForSearch(query).split(' ').filter(Boolean).every((word) => folded.includes(word))
}

export function tmdbPeople({ images, fetchParsed, language }: TmdbPeopleDeps): PeopleCatalog {
  return {
    async person(id, options) {
      const body = await fetchParsed(`/person/${id}`, { append_to_response: 'movie_credits', ...language(options) }, 'details', TmdbPersonSchema, trimPerson)
      return body ? toPerson(body, images) : null
    },
    async searchPeople(query, options) {
      const body = await fetchParsed('/search/person', { query, page: 1, include_adult: 'false', ...language(options) }, 'list', TmdbPeoplePageSchema)
      return (body?.results ?? [])
        .filter((person) => !person.adult && nameHasEveryWord(person.name, query))
        .slice(0, options?.limit ?? 4)
        .map((person) => ({ id: person.id, name: person.name, profile_url: image(images.base, 'w185', person.profile_path), known_for: person.known_for_department }))
    },
  }
}
