import { z } from 'zod'

/**
 * TMDB v3 responses as they really arrive (see ../shared/tmdb/tmdb-api.json): images, dates, overviews and
 * taglines may be null, '' or missing, and lists may hold an odd item. Missing values get neutral defaults;
 * an item that cannot be read at all is dropped rather than failing the whole page.
 */

const text = z.string().nullish().transform((value) => value ?? '')
/** '' and null both mean "unknown". */
export const optionalText = z.string().nullish().transform((value) => (value ? value : null))
const count = z.number().nullish().transform((value) => (value === null || value === undefined ? 0 : Math.max(0, Math.round(value))))
const rating = z.number().nullish().transform((value) => value ?? 0)

/** An array whose unreadable items are left out. */
export function lenientArray<T extends z.ZodType>(item: T) {
  return z
    .array(z.unknown())
    .nullish()
    .transform((items) =>
      (items ?? []).flatMap((raw) => {
        const parsed = item.safeParse(raw)
        return parsed.success ? [parsed.data as z.output<T>] : []
      }),
    )
}

export const TmdbMovieSchema = z.looseObject({
  id: z.number().int().positive(),
  title: z.string().nullish().transform((value) => value ?? ''),
  original_title: z.string().nullish(),
  overview: text,
  release_date: optionalText,
  poster_path: optionalText,
  backdrop_path: optionalText,
  vote_average: rating,
  vote_count: count,
  genre_ids: z.array(z.number().int()).nullish().transform((value) => value ?? []),
  popularity: z.number().nullish(),
})
export type TmdbMovie = z.output<typeof TmdbMovieSchema>

export const TmdbPageSchema = z.object({
  page: z.number().int().nullish().transform((value) => value ?? 1),
  results: lenientArray(TmdbMovieSchema),
  total_pages: count,
  total_results: count,
})
export type TmdbPage = z.output<typeof TmdbPageSchema>

export const TmdbGenreSchema = z.object({ id: z.number().int(), name: z.string().nullish().transform((v) => v ?? '') })

export const TmdbGenreListSchema = z.object({ genres: lenientArray(TmdbGenreSchema) })

const TmdbCastSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  character: optionalText,
  profile_path: optionalText,
  order: z.number().nullish(),
})

const TmdbCrewSchema = z.object({ id: z.number().int().positive(), name: z.string(), job: z.string().nullish() })

const TmdbVideoSchema = z.object({
  key: z.string(),
  site: z.string(),
  type: z.string().nullish(),
  official: z.boolean().nullish(),
  published_at: z.string().nullish(),
})

/** movie/{id} with append_to_response=credits,videos,similar,recommendations. */
export const TmdbDetailsSchema = TmdbMovieSchema.extend({
  genres: lenientArray(TmdbGenreSchema),
  runtime: z.number().nullish().transform((value) => (value ? Math.round(value) : null)),
  tagline: optionalText,
  credits: z
    .object({ cast: lenientArray(TmdbCastSchema), crew: lenientArray(TmdbCrewSchema) })
    .nullish()
    .transform((value) => value ?? { cast: [], crew: [] }),
  videos: z
    .object({ results: lenientArray(TmdbVideoSchema) })
    .nullish()
    .transform((value) => value ?? { results: [] }),
  similar: TmdbPageSchema.nullish(),
  recommendations: TmdbPageSchema.nullish(),
})
export type TmdbDetails = z.output<typeof TmdbDetailsSchema>

export const TmdbConfigurationSchema = z.looseObject({
  images: z.looseObject({
    secure_base_url: z.string().nullish(),
    base_url: z.string().nullish(),
    poster_sizes: z.array(z.string()).nullish(),
    backdrop_sizes: z.array(z.string()).nullish(),
    profile_sizes: z.array(z.string()).nullish(),
  }),
})
export type TmdbConfiguration = z.output<typeof TmdbConfigurationSchema>

/** TMDB's error body, e.g. `{"success":false,"status_code":34,"status_message":"The resource you requested could not be found."}`. */
export const TmdbErrorSchema = z.object({
  success: z.boolean().nullish(),
  status_code: z.number().nullish(),
  status_message: z.string().nullish(),
})
