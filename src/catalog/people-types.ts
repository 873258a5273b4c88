import { z } from 'zod'
import { MovieSchema, type CatalogOptions } from './types'

/**
 * People (cast and crew) as the contract shows them. A person's id follows the film-id rules; TMDB people keep
 * TMDB's id, the bundled catalog's directors get ids from 1000000000 up (src/catalog/bundled/people.ts).
 */

/** A film in a person's filmography: the Movie, with the part they played or the job they did. */
export const CastCreditSchema = MovieSchema.extend({ character: z.string().nullable() })
export const CrewCreditSchema = MovieSchema.extend({ job: z.string() })
export type CastCredit = z.infer<typeof CastCreditSchema>
export type CrewCredit = z.infer<typeof CrewCreditSchema>

/** `GET /api/v1/people/:id`. Dates are ISO days or null; `known_for` is TMDB's department ("Acting", "Directing"). */
export const PersonSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  biography: z.string().describe("In the viewer's language, else English; '' when there is none"),
  birthday: z.string().nullable(),
  deathday: z.string().nullable(),
  place_of_birth: z.string().nullable(),
  profile_url: z.string().nullable(),
  known_for: z.string().nullable(),
  imdb_id: z.string().nullable(),
  credits: z.object({
    cast: z.array(CastCreditSchema).describe('Newest first; adult titles left out'),
    crew: z.array(CrewCreditSchema).describe('Newest first; adult titles left out'),
  }),
})
export type Person = z.infer<typeof PersonSchema>

/** One person in search results. */
export interface PersonSummary {
  id: number
  name: string
  profile_url: string | null
  known_for: string | null
}

/** What the catalog answers about people (both implementations). */
export interface PeopleCatalog {
  /** null when the person does not exist. The biography is in `options.language`, '' when not translated. */
  person(id: number, options?: CatalogOptions): Promise<Person | null>
  /** People whose names match `query` (at most `limit`, most popular first). */
  searchPeople(query: string, options?: CatalogOptions & { limit?: number }): Promise<PersonSummary[]>
}
