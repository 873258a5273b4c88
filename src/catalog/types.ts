import { z } from 'zod'
import type { PeopleCatalog } from './people-types'

/** The contract's Movie. Image URLs are absolute or null (never a broken URL); unknown dates are null. */
export const MovieSchema = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  overview: z.string(),
  release_date: z.string().nullable(),
  poster_url: z.string().nullable(),
  backdrop_url: z.string().nullable(),
  vote_average: z.number(),
  vote_count: z.number().int(),
  genre_ids: z.array(z.number().int()),
})
export type Movie = z.infer<typeof MovieSchema>

export const GenreSchema = z.object({ id: z.number().int(), name: z.string() })
export type Genre = z.infer<typeof GenreSchema>

export const CastMemberSchema = z.object({
  id: z.number().int().positive().describe('The person (GET /api/v1/people/:id)'),
  name: z.string(),
  character: z.string().nullable(),
  profile_url: z.string().nullable(),
})

/** Key crew (directors first); bundled directors have ids from 1000000000 up. */
export const CrewMemberSchema = z.object({ id: z.number().int().positive(), name: z.string(), job: z.string() })

export const TrailerSchema = z.object({ site: z.string(), key: z.string(), url: z.string() })

export const MovieDetailsSchema = MovieSchema.extend({
  runtime: z.number().int().nullable(),
  genres: z.array(GenreSchema),
  tagline: z.string().nullable(),
  director: z.string().nullable(),
  cast: z.array(CastMemberSchema),
  crew: z.array(CrewMemberSchema),
  trailer: TrailerSchema.nullable(),
  similar: z.array(MovieSchema),
})
export type MovieDetails = z.infer<typeof MovieDetailsSchema>

/** `GET /api/v1/movies/:id`: the film with its video (the video library's), null when none is ready and published. */
export const FilmAnswerSchema = MovieDetailsSchema.extend({
  video: z
    .object({ duration: z.number().nullable().describe('Seconds'), ready: z.literal(true), license: z.string(), credit: z.string().nullable() })
    .nullable()
    .describe('The film\'s own video, when an operator uploaded one and it is ready and published'),
})

export const MoviePageSchema = z.object({
  page: z.number().int(),
  total_pages: z.number().int(),
  total_results: z.number().int(),
  results: z.array(MovieSchema),
})
export type MoviePage = z.infer<typeof MoviePageSchema>

export type ListKind = 'popular' | 'top_rated' | 'now_playing' | 'upcoming'
export type TrendingWindow = 'day' | 'week'

export interface CatalogOptions {
  page?: number
  /** UI language code (en, es, fr, de…), passed to TMDB as `language`. */
  language?: string
}

/**
 * What routes and jobs need from a film catalog. Two implementations: TMDB
 * behind the KV cache, and the bundled offline catalog. Both return the contract's shapes.
 */
export interface Catalog extends PeopleCatalog {
  readonly source: 'tmdb' | 'bundled'
  /** Changes whenever the catalog's content may (part of page-cache keys); defaults to `source`. */
  readonly version?: string
  list(kind: ListKind, options?: CatalogOptions): Promise<MoviePage>
  trending(window: TrendingWindow, options?: CatalogOptions): Promise<MoviePage>
  search(query: string, options?: CatalogOptions & { year?: number }): Promise<MoviePage>
  /** null when the film does not exist. */
  details(id: number, options?: CatalogOptions): Promise<MovieDetails | null>
  /** Several films at once (watchlists, notifications), fetched in parallel; unknown ids are left out. */
  many(ids: number[], options?: CatalogOptions): Promise<Movie[]>
  genres(options?: CatalogOptions): Promise<Genre[]>
  byGenre(genreId: number, options?: CatalogOptions): Promise<MoviePage>
  /** TMDB's raw `search/movie` response shape, for the seed's `GET /movie/:title`. */
  searchRaw(title: string, options?: CatalogOptions): Promise<unknown>
}
