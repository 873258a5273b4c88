import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../context'
import { webManifest } from './manifest'
import { serviceWorkerScript } from './service-worker'

/** The installable app's files: the manifest and the service worker (served by the app, not as static files). */
export const offlineApi = new Hono<AppEnv>()

offlineApi.get('/manifest.webmanifest', (c) => {
  // In the viewer's language; revalidated so a language change shows at the next install prompt.
  return c.body(JSON.stringify(webManifest(c.get('t'))), 200, {
    'Content-Type': 'application/manifest+json; charset=utf-8',
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Language, Cookie',
  })
})

/** Development only: the browser tests' stand-in for a new deploy (a browser's update check cannot be intercepted). */
export const TEST_BUILD_COOKIE = 'sw_test_build'

offlineApi.get('/sw.js', (c) => {
  // Served by the app (not as a static file) so it gets the pages' CSP (connect-src 'self' for the
  // worker's own fetches) and names this build's version; revalidated on every update check.
  const testBuild = c.get('config').isProduction ? undefined : getCookie(c, TEST_BUILD_COOKIE)
  return c.body(serviceWorkerScript(testBuild && /^[a-z0-9]{1,16}$/.test(testBuild) ? testBuild : ''), 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'no-cache',
  })
})
