import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { authenticate } from './auth/middleware'
import { configFor } from './config'
import type { AppEnv } from './context'
import { apiCors } from './http/cors'
import { JSON_PATTERNS } from './http/surfaces'
import { csrf } from './http/csrf'
import { errors } from './http/errors'
import { i18n } from './i18n/middleware'
import { onError, onNotFound } from './http/error-handler'
import { requestId } from './http/request-id'
import { securityHeaders } from './http/security-headers'
import { buildOpenApiDocument } from './openapi/document'
import { describe } from './openapi/metadata'
import { accountPages } from './routes/account-pages'
import { authApi } from './routes/auth-api'
import { recoveryApi } from './routes/recovery-api'
import { recoveryPages } from './routes/recovery-pages'
import { catalogApiRoutes } from './routes/catalog-api'
import { catalogImageRoutes } from './routes/catalog-images'
import { movieSeedRoutes } from './routes/movie-seed'
import { notificationPageRoutes } from './routes/notification-pages'
import { notificationsApiRoutes } from './routes/notifications-api'
import { unreadForPages } from './notifications/middleware'
import { pageRoutes } from './routes/pages'
import { readAheadFilmPage } from './routes/film-read-ahead'
import { recommendationPages } from './routes/recommendation-pages'
import { recommendationsApi } from './routes/recommendations-api'
import { meApi } from './routes/me-api'
import { systemRoutes } from './routes/system'
import { reviewPages } from './routes/review-pages'
import { reviewsApi } from './routes/reviews-api'
import { watchlistApi } from './routes/watchlist-api'
import { watchlistPages } from './routes/watchlist-pages'
import { languageRoutes } from './routes/language'
import { createServices, type ServicesFactory } from './services'
import { clientAddress } from './http/origin'
import { offlineRoutes } from './offline/routes'
import { pushApi } from './push/api'
import { viewerHeader } from './offline/viewer'
import { pageCache } from './http/page-cache'

/** Reviews are at most 2,000 characters; 64 KB leaves room for any form or JSON body we take. */
const MAX_BODY_KB = 64

export interface AppOptions {
  /** Replaces how services are built (tests drive the app with their own). */
  services?: ServicesFactory
}

/** Builds the one Hono app: middleware, then every route group. The only place routes are mounted. */
export function createApp(options: AppOptions = {}) {
  const makeServices = options.services ?? createServices
  const app = new Hono<AppEnv>()

  app.use('*', requestId())
  app.use('*', async (c, next) => {
    // The runtime entry (src/main/) hands the platform in as the app's only binding.
    c.set('config', configFor(c.env.platform.vars))
    await next()
  })
  app.use('*', securityHeaders())
  // Anonymous browsing pages from the page cache (src/http/page-cache.ts) before any per-request service is built;
  // a stale one is re-rendered through the app itself.
  app.use('*', pageCache((request, env, ctx) => app.fetch(request, env, ctx)))
  app.use('*', async (c, next) => {
    const platform = c.env.platform
    c.set('services', makeServices({ config: c.get('config'), platform, origin: new URL(c.req.url).origin, client: clientAddress(c) }))
    await next()
  })
  // The JSON surface (src/http/surfaces.ts): the API's CORS policy, also on /healthz and the seed's /movie/:title.
  for (const pattern of JSON_PATTERNS) app.use(pattern, apiCors())
  // Every body we accept (forms, JSON) is small; refuse big ones before reading them.
  app.use('*', bodyLimit({ maxSize: MAX_BODY_KB * 1024, onError: () => { throw errors.tooLarge(MAX_BODY_KB) } }))
  // A signed-in film page's own reads join the session's batch (src/routes/film-read-ahead.ts).
  app.get('/movies/:id', readAheadFilmPage)
  app.use('*', authenticate())
  // X-Viewer on every response: the service worker's per-viewer safeguard for private copies.
  app.use('*', viewerHeader())
  // After authentication: a signed-in user's language comes first.
  app.use('*', i18n())
  app.use('*', csrf())
  app.use('*', unreadForPages())

  // Route table. JSON: /healthz, /movie/:title (the seed's route), /api/v1/* (auth, me, movies, genres, watchlist,
  // reviews, notifications, openapi.json). HTML (htmx): / and /home/rows, /search, /genres/:id, /movies/:id and its
  // /trailer and /reviews, /signup /login /logout /profile, /watchlist, /notifications; generated artwork under /images.
  app.route('/', systemRoutes)
  app.route('/', pageRoutes)
  app.route('/', accountPages)
  app.route('/', recoveryPages)
  app.route('/', catalogImageRoutes)
  app.route('/', movieSeedRoutes)
  app.route('/', notificationPageRoutes)
  app.route('/', watchlistPages)
  app.route('/', languageRoutes)
  app.route('/', reviewPages)
  app.route('/', offlineRoutes)
  app.route('/', recommendationPages)

  const api = new Hono<AppEnv>()
  api.get(
    '/openapi.json',
    describe({ summary: 'This OpenAPI document', tags: ['system'], responses: { 200: { description: 'OpenAPI 3.1 document of the JSON API' } } }),
    (c) => c.json(openApiDocument()),
  )
  api.route('/', authApi)
  api.route('/', recoveryApi)
  api.route('/', meApi)
  api.route('/', catalogApiRoutes)
  api.route('/', notificationsApiRoutes)
  api.route('/', watchlistApi)
  api.route('/', reviewsApi)
  api.route('/', recommendationsApi)
  api.route('/', pushApi)
  app.route('/api/v1', api)

  app.onError(onError)
  app.notFound(onNotFound)

  let openApi: object | undefined
  const openApiDocument = () => (openApi ??= buildOpenApiDocument(app, { title: 'Flixpeek API', version: '1.0.0' }))
  return app
}

export type App = ReturnType<typeof createApp>
