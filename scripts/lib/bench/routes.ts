/**
 * The routes the bench loads, and on which runtime instance: `main` (DynamoDB Local up, bare Hono
 * beside it), or the film page again on an instance whose DynamoDB is refused or blackholed.
 */
import { SetupError } from '../../local-aws'
import { BARE_HOST } from './runtime'

export type Instance = 'main' | 'dynamodb-refused' | 'dynamodb-blackholed' | 'node'

export interface RouteSpec {
  name: string
  /** What the table calls it. */
  label: string
  instance: Instance
  path: (ids: BenchIds) => string
  signedIn?: boolean
  htmx?: boolean
  /** Served by the bare Hono app, not the worker. */
  bare?: boolean
  /** Touches the data store: DynamoDB Local must be running. */
  needsAws?: boolean
}

/** Ids found at run time (the first popular bundled film), so the bench never hard-codes catalog data. */
export interface BenchIds {
  filmId: number
  genreId: number
}

export const ROUTES: RouteSpec[] = [
  { name: 'bare', label: 'bare Hono `c.html()`', instance: 'main', path: () => '/', bare: true },
  { name: 'home', label: '`GET /` (home)', instance: 'main', path: () => '/' },
  { name: 'film', label: '`GET /movies/:id`', instance: 'main', path: (ids) => `/movies/${ids.filmId}`, needsAws: true },
  { name: 'search', label: '`GET /search?q=star`', instance: 'main', path: () => '/search?q=star' },
  { name: 'search-fragment', label: '`GET /search?q=star` (htmx fragment)', instance: 'main', path: () => '/search?q=star', htmx: true },
  { name: 'genre', label: '`GET /genres/:id`', instance: 'main', path: (ids) => `/genres/${ids.genreId}` },
  { name: 'api-popular', label: '`GET /api/v1/movies/popular`', instance: 'main', path: () => '/api/v1/movies/popular' },
  { name: 'api-details', label: '`GET /api/v1/movies/:id`', instance: 'main', path: (ids) => `/api/v1/movies/${ids.filmId}` },
  { name: 'seed', label: "`GET /movie/Star` (the seed's route)", instance: 'main', path: () => '/movie/Star' },
  { name: 'signed-in-home', label: '`GET /` (signed in)', instance: 'main', path: () => '/', signedIn: true, needsAws: true },
  { name: 'signed-in-film', label: '`GET /movies/:id` (signed in)', instance: 'main', path: (ids) => `/movies/${ids.filmId}`, signedIn: true, needsAws: true },
  { name: 'watchlist', label: '`GET /watchlist` (signed in, 5 films)', instance: 'main', path: () => '/watchlist', signedIn: true, needsAws: true },
  {
    name: 'api-recommendations',
    label: '`GET /api/v1/me/recommendations` (signed in, picks precomputed)',
    instance: 'main',
    path: () => '/api/v1/me/recommendations?limit=20',
    signedIn: true,
    needsAws: true,
  },
  { name: 'film-dynamodb-refused', label: '`GET /movies/:id`, DynamoDB refused', instance: 'dynamodb-refused', path: (ids) => `/movies/${ids.filmId}` },
  { name: 'film-dynamodb-blackholed', label: '`GET /movies/:id`, DynamoDB blackholed', instance: 'dynamodb-blackholed', path: (ids) => `/movies/${ids.filmId}` },
  // The same app on Node (npm run build:node's dist/server.js), same data store and catalog.
  { name: 'node-home', label: 'Node: `GET /` (home)', instance: 'node', path: () => '/' },
  { name: 'node-film', label: 'Node: `GET /movies/:id`', instance: 'node', path: (ids) => `/movies/${ids.filmId}`, needsAws: true },
  { name: 'node-api-popular', label: 'Node: `GET /api/v1/movies/popular`', instance: 'node', path: () => '/api/v1/movies/popular' },
  { name: 'node-api-details', label: 'Node: `GET /api/v1/movies/:id`', instance: 'node', path: (ids) => `/api/v1/movies/${ids.filmId}` },
  { name: 'node-signed-in-home', label: 'Node: `GET /` (signed in)', instance: 'node', path: () => '/', signedIn: true, needsAws: true },
]

/** The cold burst is not a loaded route but can be filtered the same way. */
export const COLD_BURST = 'cold-burst'

/**
 * BENCH_ROUTES: comma-separated names (see ROUTES, plus `cold-burst`); unset = all.
 * The bare route always runs: every ratio is taken against it.
 */
export function selectRoutes(filter: string | undefined): { routes: RouteSpec[]; coldBurst: boolean } {
  const wanted = new Set((filter ?? '').split(',').map((name) => name.trim()).filter(Boolean))
  const known = new Set([...ROUTES.map((route) => route.name), COLD_BURST])
  const unknown = [...wanted].filter((name) => !known.has(name))
  if (unknown.length) throw new SetupError(`BENCH_ROUTES: unknown route(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`)
  if (wanted.size === 0) return { routes: ROUTES, coldBurst: true }
  return { routes: ROUTES.filter((route) => route.bare || wanted.has(route.name)), coldBurst: wanted.has(COLD_BURST) }
}

export function requestHeaders(route: RouteSpec, token: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  if (route.bare) headers.Host = BARE_HOST
  if (route.htmx) headers['HX-Request'] = 'true'
  if (route.signedIn) {
    if (!token) throw new Error(`${route.name} needs a signed-in bench user`)
    headers.Authorization = `Bearer ${token}`
  }
  return headers
}
