/**
 * The app's URL map in one place: which paths form the JSON surface (the API's CORS policy, the
 * contract's JSON errors) and which of those are the versioned API (bearer tokens judged strictly).
 * Everything else is an HTML page.
 */
export const API_PREFIX = '/api/'

/** Route patterns of the JSON surface outside /api/v1: health checks and the seed's /movie/:title. */
export const JSON_PATTERNS = ['/api/*', '/movie/*', '/healthz', '/livez'] as const

export const isApiPath = (path: string) => path.startsWith(API_PREFIX)

/** True for every path of the JSON surface. */
export const isJsonPath = (path: string) =>
  JSON_PATTERNS.some((pattern) => (pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern))
