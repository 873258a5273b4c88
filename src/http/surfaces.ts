/**
 * The app's URL map in one place: which paths form the JSON surface (the API's CORS policy, the
 * contract's JSON errors) and which of those are the versioned API (bearer tokens judged strictly).
 * Everything else is an HTML page.
 */
export const API_PREFIX = '/api/'

/** Route patterns of the JSON surface outside /api/v1: health checks and the seed's /movie/:title. */
export const JSON_PATTERNS = ['/api/*', '/movie/*', '/healthz', '/livez'] as const

export const isApiPath = (path: string) => path.startsWith(API_PREFIX)

/** The transcoder's signed media routes (src/videos/internal/): JSON errors, but no CORS (no browser calls them). */
export const INTERNAL_PREFIX = '/internal/'

/** Media under a playback token (src/playback/): JSON errors, CORS headers of its own. */
export const MEDIA_PREFIX = '/media/'

/** True for every path of the JSON surface. */
export const isJsonPath = (path: string) =>
  path.startsWith(INTERNAL_PREFIX) || path.startsWith(MEDIA_PREFIX) || JSON_PATTERNS.some((pattern) => (pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern))
