import type { Catalog, CatalogOptions, MovieDetails } from '../catalog/types'
import type { ProvidersAnswer, WatchProviders } from './providers'

/**
 * "Where to watch" use cases, shared by the JSON route and the film page's fragment (neither reimplements them).
 */
export interface WhereToWatch {
  /** The catalog has no provider data (bundled): the views say it needs TMDB. */
  unavailable: boolean
  film: MovieDetails
  offers: ProvidersAnswer
}

/**
 * The film's offers in `region`, or null when there is no such film. With TMDB the providers' answer itself tells
 * (404); the bundled catalog is asked for the film (a local look-up). The film's details come from the catalog's cache.
 */
export async function whereToWatch(deps: { catalog: Catalog; watchProviders: WatchProviders }, movieId: number, region: string, options: CatalogOptions): Promise<WhereToWatch | null> {
  const [film, offers] = await Promise.all([deps.catalog.details(movieId, options), deps.watchProviders.forFilm(movieId, region)])
  if (!film || !offers) return null
  return { unavailable: deps.watchProviders.source === 'none', film, offers }
}

/** Whether `region` is one a profile may choose: TMDB's list of watch-provider regions (bundled: a fixed list). */
export async function isKnownRegion(watchProviders: WatchProviders, region: string): Promise<boolean> {
  return (await watchProviders.regions()).includes(region)
}

/** The JSON answer: the offers alone (TMDB's 404 says "no such film"; the bundled catalog is asked, locally). */
export async function providersAnswer(deps: { catalog: Catalog; watchProviders: WatchProviders }, movieId: number, region: string): Promise<ProvidersAnswer | null> {
  const offers = await deps.watchProviders.forFilm(movieId, region)
  if (!offers) return null
  if (deps.watchProviders.source === 'none' && !(await deps.catalog.details(movieId))) return null
  return offers
}
