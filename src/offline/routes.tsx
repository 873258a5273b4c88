import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { OfflinePage } from '../../views/pages/OfflinePage'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { render } from '../http/render'
import { webManifest } from './manifest'
import { OFFLINE_PATH, serviceWorkerScript } from './service-worker'

/** The installable, offline-capable app: the manifest, the service worker and its fallback page. */
export const offlineRoutes = new Hono<AppEnv>()

offlineRoutes.get('/manifest.webmanifest', (c) => {
  // In the viewer's language; revalidated so a language change shows at the next install prompt.
  return c.body(JSON.stringify(webManifest(c.get('t'))), 200, {
    'Content-Type': 'application/manifest+json; charset=utf-8',
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Language, Cookie',
  })
})

/** Development only: the browser tests' stand-in for a new deploy (a browser's update check cannot be intercepted). */
export const TEST_BUILD_COOKIE = 'sw_test_build'

offlineRoutes.get('/sw.js', (c) => {
  // Served by the app (not as a static file) so it gets the pages' CSP (connect-src 'self' for the
  // worker's own fetches) and names this build's version; revalidated on every update check.
  const testBuild = c.get('config').isProduction ? undefined : getCookie(c, TEST_BUILD_COOKIE)
  return c.body(serviceWorkerScript(testBuild && /^[a-z0-9]{1,16}$/.test(testBuild) ? testBuild : ''), 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'no-cache',
  })
})

offlineRoutes.get(OFFLINE_PATH, (c) => {
  // Precached once per worker version and shown to whoever is offline on this device: rendered for
  // nobody in particular (no account menu, no bell), so it never carries a viewer's name.
  c.set('user', undefined)
  c.set('unread', undefined)
  c.set('listed', undefined)
  useCache(c, CACHE.page)
  return render(c, <OfflinePage />)
})
