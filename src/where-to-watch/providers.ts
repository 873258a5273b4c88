import { z } from 'zod'
import type { Config } from '../config'
import type { CacheStore, Defer } from '../platform'
import { CatalogUnavailable } from '../shared/errors'
import { TmdbCache } from '../catalog/cache'
import { TmdbClient, TmdbError } from '../catalog/tmdb'
import { image } from '../catalog/tmdb-map'

/**
 * Where a film can be watched, per region: TMDB's `movie/{id}/watch/providers` (JustWatch's data), one KV entry
 * per film holding every region (fresh a day), trimmed to what is shown. The bundled catalog has no such data:
 * its source says `none` and the views explain that provider data needs TMDB.
 */

/** TMDB's offer kinds (flatrate: included in a subscription). */
export const OFFER_KINDS = ['flatrate', 'free', 'ads', 'rent', 'buy'] as const
export type OfferKind = (typeof OFFER_KINDS)[number]

/** TMDB requires JustWatch's attribution wherever its provider data is shown. */
export const ATTRIBUTION = 'Streaming availability data by JustWatch'

export const ProviderSchema = z.object({ id: z.number().int(), name: z.string(), logo_url: z.string().nullable() })
export type Provider = z.infer<typeof ProviderSchema>

/** `GET /api/v1/movies/:id/providers`. */
export const ProvidersAnswerSchema = z.object({
  region: z.string().describe('ISO 3166-1 alpha-2: the region these offers are for'),
  link: z.string().nullable().describe("TMDB's where-to-watch page for the film in this region; null when there are no offers"),
  flatrate: z.array(ProviderSchema).describe('Stream (subscription)'),
  rent: z.array(ProviderSchema),
  buy: z.array(ProviderSchema),
  free: z.array(ProviderSchema),
  ads: z.array(ProviderSchema).describe('Free with ads'),
  attribution: z.string().describe('Names JustWatch, the source of the data (TMDB requires it to be shown)'),
})
export type ProvidersAnswer = z.infer<typeof ProvidersAnswerSchema>

const TmdbProviderSchema = z.object({ provider_id: z.number().int(), provider_name: z.string(), logo_path: z.string().nullable().optional(), display_priority: z.number().optional() })
const TmdbRegionOffersSchema = z.object({ link: z.string().optional() }).extend(Object.fromEntries(OFFER_KINDS.map((kind) => [kind, z.array(TmdbProviderSchema).optional()])) as Record<OfferKind, z.ZodOptional<z.ZodArray<typeof TmdbProviderSchema>>>)
const TmdbWatchProvidersSchema = z.object({ results: z.record(z.string(), TmdbRegionOffersSchema) })
const TmdbRegionsSchema = z.object({ results: z.array(z.object({ iso_3166_1: z.string() })) })

export interface WatchProviders {
  /** `none`: the bundled catalog, which has no provider data. */
  readonly source: 'tmdb' | 'none'
  /** The film's offers in `region`; a region without any gets empty lists and no link; null: TMDB knows no such film. */
  forFilm(movieId: number, region: string): Promise<ProvidersAnswer | null>
  /** The regions a profile may choose (TMDB's list, cached a week; the bundled catalog: a fixed list). */
  regions(): Promise<string[]>
}

/** Without TMDB: the regions TMDB commonly serves, so the profile and the menu still offer a choice. */
export const FIXED_REGIONS = ['AR', 'AT', 'AU', 'BE', 'BR', 'CA', 'CH', 'CL', 'CO', 'DE', 'DK', 'EG', 'ES', 'FI', 'FR', 'GB', 'IE', 'IN', 'IT', 'JP', 'KR', 'MA', 'MX', 'NL', 'NO', 'NZ', 'PL', 'PT', 'SA', 'SE', 'TR', 'US', 'ZA', 'AE']
  .sort()

const empty = (region: string): ProvidersAnswer => ({ region, link: null, flatrate: [], rent: [], buy: [], free: [], ads: [], attribution: ATTRIBUTION })

export interface WatchProvidersContext {
  cache: CacheStore
  defer: Defer
  timeoutMs?: number
  beforeMiss?: () => Promise<void>
}

export function createWatchProviders(config: Config, ctx: WatchProvidersContext): WatchProviders {
  if (!config.tmdbAuth) return { source: 'none', forFilm: async (_id, region) => empty(region), regions: async () => FIXED_REGIONS }
  const client = new TmdbClient({ baseUrl: config.TMDB_BASE_URL, auth: config.tmdbAuth, timeoutMs: ctx.timeoutMs })
  const cache = new TmdbCache({ store: ctx.cache, defer: ctx.defer, beforeMiss: ctx.beforeMiss })
  const logo = (path: string | null | undefined) => image(config.TMDB_IMAGE_BASE_URL, 'w92', path ?? null)

  async function cached<S extends z.ZodType>(path: string, freshness: 'day' | 'static', schema: S, trim: (body: z.output<S>) => unknown): Promise<z.output<S> | null> {
    const key = `tmdb:v1:${path}?`
    const result = await cache.get(key, freshness, async () => {
      const parsed = schema.safeParse(await client.get(path, {}))
      if (!parsed.success) throw new TmdbError('bad_response', `TMDB ${path} did not match the expected shape`)
      return trim(parsed.data)
    })
    if (!result.found) return null
    const parsed = schema.safeParse(result.body)
    if (!parsed.success) throw new CatalogUnavailable()
    return parsed.data
  }

  return {
    source: 'tmdb',
    async forFilm(movieId, region) {
      // Every region in one entry, trimmed to what is shown: one TMDB call a day per film, whatever the region.
      const body = await cached(`/movie/${movieId}/watch/providers`, 'day', TmdbWatchProvidersSchema, (parsed) => ({
        results: Object.fromEntries(
          Object.entries(parsed.results).map(([code, offers]) => [
            code,
            Object.fromEntries(Object.entries(offers).map(([kind, value]) => [kind, Array.isArray(value) ? value.map(({ provider_id, provider_name, logo_path, display_priority }) => ({ provider_id, provider_name, logo_path: logo_path ?? null, display_priority })) : value])),
          ]),
        ),
      }))
      if (!body) return null
      const offers = body.results[region]
      if (!offers) return empty(region)
      const list = (kind: OfferKind): Provider[] =>
        [...(offers[kind] ?? [])]
          .sort((a, b) => (a.display_priority ?? 1e9) - (b.display_priority ?? 1e9))
          .map((p) => ({ id: p.provider_id, name: p.provider_name, logo_url: logo(p.logo_path) }))
      return { region, link: offers.link ?? null, flatrate: list('flatrate'), rent: list('rent'), buy: list('buy'), free: list('free'), ads: list('ads'), attribution: ATTRIBUTION }
    },
    async regions() {
      const body = await cached('/watch/providers/regions', 'static', TmdbRegionsSchema, (parsed) => ({ results: parsed.results.map(({ iso_3166_1 }) => ({ iso_3166_1 })) }))
      const codes = (body?.results ?? []).map((r) => r.iso_3166_1).filter((code) => /^[A-Z]{2}$/.test(code))
      return codes.length ? codes.sort() : FIXED_REGIONS
    },
  }
}
