import { Hono, type Context } from 'hono'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { CACHE, cached } from '../http/cache'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema, IdParamSchema } from '../schemas/common'
import { ProvidersAnswerSchema } from './providers'
import { regionOf } from '../http/region'
import { providersAnswer } from './service'
import type { RegionSource } from './region'
import { RegionQuerySchema } from './schemas'

/**
 * How an answer may be cached, by where its region came from. In the URL: shared. From the profile or the cookie:
 * the caller's alone (private), varying on what chose it. From the platform's country: private too (no cache can
 * key on it). From Accept-Language (or the default): shared, varying on it and on the cookie that would override it.
 */
function cachingFor(c: Context<AppEnv>, source: RegionSource): Record<string, string> {
  switch (source) {
    case 'query':
      return {}
    case 'profile':
      return { 'Cache-Control': 'private, no-cache', Vary: 'Authorization, Cookie' }
    case 'cookie':
    case 'platform':
      return { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Accept-Language' }
    default:
      return c.get('user') ? {} : { Vary: 'Accept-Language, Cookie' }
  }
}

/** GET /api/v1/movies/:id/providers: where to watch a film in a region, with JustWatch's attribution. */
export const providersApi = new Hono<AppEnv>().get(
  '/movies/:id/providers',
  describe({
    summary: 'Where to watch a film in a region (TMDB, data by JustWatch)',
    description:
      'Without `region`: the profile\'s region, the `region` cookie, the platform\'s country, Accept-Language\'s region, else US. Stream (flatrate), rent, buy, free and with ads, each provider with its logo; `link` is TMDB\'s page for the region.',
    tags: ['catalog'],
    responses: {
      200: { description: 'The offers in the region (empty lists when there are none)', schema: ProvidersAnswerSchema },
      404: { description: 'No such film (movie_not_found)', schema: ErrorBodySchema },
    },
  }),
  cached(CACHE.providers),
  validate('param', IdParamSchema),
  validate('query', RegionQuerySchema),
  async (c) => {
    const { id } = c.req.valid('param')
    const { region, source } = regionOf(c, c.req.valid('query').region)
    const answer = await providersAnswer(c.get('services'), id, region)
    if (!answer) throw errors.movieNotFound()
    return c.json(answer, 200, cachingFor(c, source))
  },
)
