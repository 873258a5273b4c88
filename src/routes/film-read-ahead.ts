import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context'

/**
 * Before authentication (src/app.ts): a film page names its per-viewer reads, so for a signed-in viewer they come
 * back with the session's profile in one call, and the page's slots (src/routes/details-slots.tsx) find them there
 * instead of making three calls more. A module of its own: the app registers it before the routes are loaded.
 */
export const readAheadFilmPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = Number(c.req.param('id'))
  if (Number.isSafeInteger(id) && id > 0) c.get('services').readAheadFilmPage(id)
  await next()
}
