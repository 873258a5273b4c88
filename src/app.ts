import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { accountPages } from './accounts/pages'
import { authApi } from './accounts/api'
import { meApi } from './accounts/me/api'
import { recoveryApi } from './accounts/recovery/api'
import { recoveryPages } from './accounts/recovery/pages'
import { authenticate } from './auth/middleware'
import { browsePages, browseReadAhead } from './browse/pages'
import { catalogApi, catalogImages, seedApi } from './catalog/api'
import { providersApi } from './where-to-watch/api'
import { whereToWatchPages } from './where-to-watch/pages'
import { configFor } from './config'
import { downloadsApi } from './downloads/api'
import { downloadMedia } from './downloads/media/api'
import type { AppEnv } from './context'
import { healthApi } from './health/api'
import { apiCors } from './http/cors'
import { csrf } from './http/csrf'
import { JSON_PATTERNS } from './http/surfaces'
import { onError, onNotFound } from './http/error-handler'
import { errors } from './http/errors'
import { clientAddress } from './http/origin'
import { pageCache } from './http/page-cache'
import { requestId } from './http/request-id'
import { securityHeaders } from './http/security-headers'
import { i18n } from './i18n/middleware'
import { mailPages } from './mail/pages'
import { notificationsApi } from './notifications/api'
import { unreadForPages } from './notifications/middleware'
import { notificationPages } from './notifications/pages'
import { offlineApi } from './offline/api'
import { peopleApi } from './catalog/people/api'
import { peoplePages } from './catalog/people/pages'
import { offlinePages } from './offline/pages'
import { viewerHeader } from './offline/middleware'
import { buildOpenApiDocument, OpenApiDocumentSchema } from './openapi/document'
import { describe } from './openapi/metadata'
import { mediaBytes, playbackApi } from './playback/api'
import { progressApi } from './progress/api'
import { progressPages } from './progress/pages'
import { downloadPages } from './downloads/pages'
import { watchPages } from './playback/pages'
import { pushApi } from './push/api'
import { recommendationsApi } from './recommendations/api'
import { recommendationPages } from './recommendations/pages'
import { reviewsApi } from './reviews/api'
import { reviewPages } from './reviews/pages'
import { createServices, type ServicesFactory } from './services'
import { videosApi } from './videos/api'
import { videoPages } from './videos/pages'
import { internalMediaApi } from './videos/internal/api'
import { STREAMED_BODIES } from './videos/uploads'
import { watchlistApi } from './watchlist/api'
import { watchlistPages } from './watchlist/pages'

/** Reviews are at most 2,000 characters; 64 KB leaves room for any form or JSON body we take. */
const MAX_BODY_KB = 64

export interface AppOptions {
  /** Replaces how services are built (tests drive the app with their own). */
  services?: ServicesFactory
}

/**
 * The one Hono app, read top to bottom as the URL map: each line names a feature's router (its `api.ts` or
 * `pages.tsx`) and the URLs it answers. Three stages, in this order on purpose:
 * 1. before services and the session read: bytes that are the same for everyone;
 * 2. services built, before the session read: answers that need the data store but never the viewer, and the
 *    read plans that join the session's one read (a film page's per-viewer reads);
 * 3. after the session read: the JSON group (/api/v1 and the seed's route) and the HTML group (pages, with the bell).
 * CORS covers the whole JSON surface from stage 2 on, so its refusals (413, 401, 403) carry it too.
 * CSRF covers every state-changing request that carries the session cookie, whatever route answers it.
 * A page says itself whether a visitor's copy may be shared (cached(CACHE.page)): the page cache reads that.
 */
export function createApp(options: AppOptions = {}) {
  const makeServices = options.services ?? createServices
  const app = new Hono<AppEnv>()
  app.use(requestId(), withConfig)
  // 0. A video's bytes for whoever holds a media token: no services, no session, no data-store read per segment, and
  // headers of their own (any origin may play them), so before the site's security headers.
  app.route('/', mediaBytes) // /media/t/:token/:videoId/* (GET, HEAD)
  // A download's bytes: the same headers, but each request checks the download's record (a read a minute per
  // isolate), so the request's services are built here for these paths alone; still no session, i18n or CSRF.
  app.use('/media/d/*', withServices(makeServices))
  app.route('/', downloadMedia) // /media/d/:token/:videoId/* (GET, HEAD)
  app.use(securityHeaders())

  // 1. Public bytes: no services, no session read.
  app.route('/', catalogImages) // /images/posters/:file, /images/backdrops/:file (generated artwork)
  // Anonymous copies of routes that declared a shareable policy, before any per-request work.
  app.use(pageCache((request, env, ctx) => app.fetch(request, env, ctx), () => app.routes))

  // 2. Services, then what needs them but not the viewer.
  app.use(withServices(makeServices))
  // The JSON surface (src/http/surfaces.ts: /api/*, /movie/*, /healthz, /livez) answers any origin (CORS), its
  // preflights too, and before any refusal below, so a cross-origin client can read every error.
  for (const pattern of JSON_PATTERNS) app.use(pattern, apiCors())
  // Every body but the uploads' (streamed to the media store, each route judging its own Content-Length first).
  const limit = bodyLimit({ maxSize: MAX_BODY_KB * 1024, onError: () => { throw errors.tooLarge(MAX_BODY_KB) } })
  app.use((c, next) => (STREAMED_BODIES.test(c.req.path) && c.req.method !== 'GET' ? next() : limit(c, next)))
  app.route('/', healthApi) // /livez, /healthz
  app.route('/', internalMediaApi) // /internal/media/:videoId/source, /internal/media/:videoId/v:ladder/* (the transcoder's, signed)
  app.route('/', browseReadAhead) // /movies/:id: the film page's per-viewer reads join the session's read

  // 3. The session read and what depends on the viewer: the X-Viewer header, the language, CSRF.
  app.use(authenticate(), viewerHeader(), i18n(), csrf)

  // JSON: the versioned API, and the seed's own route.
  app.route('/api/v1', jsonApi())
  app.route('/', seedApi) // /movie/:title

  // HTML (htmx): pages, fragments and plain forms.
  const html = new Hono<AppEnv>().use(unreadForPages())
  html.route('/', whereToWatchPages) // /movies/:id/providers, /region (POST)
  html.route('/', browsePages) // /, /home/rows, /search, /genres/:id, /movies/:id, /movies/:id/trailer
  html.route('/', peoplePages) // /people/:id
  html.route('/', reviewPages) // /movies/:id/reviews (GET, POST), /movies/:id/reviews/delete
  html.route('/', recommendationPages) // /home/picks, /picks, /movies/:id/dismiss|undismiss, /welcome/picks
  html.route('/', watchlistPages) // /watchlist, /watchlist/:movieId (POST, DELETE), /watchlist/:movieId/remove
  html.route('/', notificationPages) // /notifications, /notifications/bell, /notifications/read-all, /notifications/:id/read
  html.route('/', accountPages) // /signup, /login, /logout, /profile, /profile/delete, /language
  html.route('/', recoveryPages) // /forgot, /reset, /verify, /profile/verify-email
  html.route('/', mailPages) // /unsubscribe
  html.route('/', offlinePages) // /offline
  html.route('/', offlineApi) // /manifest.webmanifest, /sw.js
  html.route('/', watchPages) // /watch/:movieId
  html.route('/', progressPages) // /continue-watching/:movieId/remove (POST)
  html.route('/', downloadPages) // /downloads, /movies/:id/download (the film page's control), /downloads/devices/remove (POST)
  html.route('/', videoPages) // /admin/videos, /admin/videos/upload, /admin/videos/:id/{publish,unpublish,cancel,retry,delete,subtitles}
  app.route('/', html)

  app.onError(onError)
  app.notFound(onNotFound)
  return app

  /** /api/v1: JSON only (errors in the contract's shape), bearer tokens or the session cookie. */
  function jsonApi() {
    const api = new Hono<AppEnv>()
    api.route('/', authApi) // /auth/signup, /auth/login, /auth/logout-all
    api.route('/', recoveryApi) // /auth/password-reset, /auth/password-reset/confirm, /auth/verify-email
    api.route('/', meApi) // /me (GET, PATCH, DELETE), /me/export
    api.route('/', pushApi) // /me/push-subscriptions, /push/public-key
    api.route('/', providersApi) // /movies/:id/providers
    api.route('/', catalogApi) // /movies/{popular,top_rated,now_playing,trending,search}, /movies/:id, /genres, /genres/:id/movies
    api.route('/', peopleApi) // /people/:id
    api.route('/', reviewsApi) // /movies/:id/reviews (GET, PUT, DELETE)
    api.route('/', watchlistApi) // /me/watchlist, /me/watchlist/:movieId
    api.route('/', recommendationsApi) // /me/recommendations, /me/dismissed/:movieId
    api.route('/', notificationsApi) // /me/notifications, /me/notifications/:id/read, /me/notifications/read-all
    api.route('/', playbackApi) // /movies/:id/playback
    api.route('/', progressApi) // /me/progress/:movieId (PUT, POST, DELETE), /me/continue-watching, /me/playback-events
    api.route('/', downloadsApi) // /me/downloads (POST, GET, DELETE ?device=), /me/downloads/:id (DELETE), /me/downloads/:id/renew
    api.route('/', videosApi) // /admin/videos, /admin/videos/:id, …/parts/:n, …/complete, …/cancel, …/retry, …/subtitles/:lang
    let openApi: object | undefined
    api.get(
      '/openapi.json',
      describe({ summary: 'This OpenAPI document', tags: ['system'], responses: { 200: { description: 'OpenAPI 3.1 document of the JSON API', schema: OpenApiDocumentSchema } } }),
      (c) => c.json((openApi ??= buildOpenApiDocument(app, { title: 'Flixpeek API', version: '1.0.0' }))),
    )
    return api
  }
}

/** The runtime entry (src/main/) hands the platform in as the app's only binding; its vars make the config. */
const withConfig: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('config', configFor(c.env.platform.vars))
  await next()
}

/** The request's services: built per request (lazily: a route that touches none builds none). */
const withServices =
  (makeServices: ServicesFactory): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set('services', makeServices({ config: c.get('config'), platform: c.env.platform, origin: new URL(c.req.url).origin, client: clientAddress(c) }))
    await next()
  }

export type App = ReturnType<typeof createApp>
