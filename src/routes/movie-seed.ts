import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { issuesToDetails } from '../http/validate'
import { describe } from '../openapi/metadata'
import { cacheHeaders, type CachePolicy } from '../http/cache'

const TitleParamSchema = z.object({ title: z.string().trim().min(1).max(200).describe('Film title to search for') })

/** TMDB's `search/movie` response, loosely: the seed's clients read `results[].title`, `poster_path` and so on. */
const TmdbSearchResponseSchema = z.object({
  page: z.number().int(),
  total_pages: z.number().int(),
  total_results: z.number().int(),
  results: z.array(z.looseObject({ id: z.number().int(), title: z.string() })),
})

/**
 * The seed's original route, kept for its clients: TMDB's `search/movie` JSON for a title,
 * from TMDB (cached) or the bundled catalog. Errors are JSON (see wantsJson in the error handler).
 */
/** The seed's search answer: a minute fresh (private for a signed-in caller, whose language may differ). */
const SEED_SEARCH: CachePolicy = { cacheControl: 'public, max-age=60' }

export const movieSeedRoutes = new Hono<AppEnv>().get(
  '/movie/:title',
  describe({
    summary: "Search by title, answered in TMDB's search/movie shape (the seed's original route)",
    tags: ['catalog'],
    responses: { 200: { description: 'TMDB search/movie response', schema: TmdbSearchResponseSchema } },
  }),
  async (c) => {
    // Not validate('param'): that answers invalid_id, and a title is not an id.
    const parsed = TitleParamSchema.safeParse({ title: c.req.param('title') })
    if (!parsed.success) throw errors.validation(issuesToDetails(parsed.error.issues, { title: c.req.param('title') }))
    const body = await c.get('services').catalog.searchRaw(parsed.data.title, { language: c.get('user')?.language })
    return c.json(body as Record<string, unknown>, 200, cacheHeaders(c, SEED_SEARCH))
  },
)
