import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context'

/** Pages (and their htmx fragments) that show film cards with a My List toggle. */
const BROWSING = /^\/(?:$|home\/rows$|search$|genres\/[^/]+$|movies\/[^/]+$)/

/**
 * For browsing pages, the ids on the viewer's list (`c.get('listed')`, read by layoutContext),
 * so each card's button shows the real state: one Query for a signed-in user, an empty set for
 * a visitor (the buttons then lead to log in). A failed lookup only costs the buttons.
 */
export const listedForPages = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (c.req.method === 'GET' && BROWSING.test(c.req.path)) {
    const user = c.get('user')
    if (!user) c.set('listed', new Set())
    else {
      try {
        c.set('listed', await c.get('services').watchlist.listedIds(user.id))
      } catch (error) {
        console.warn('watchlist state unavailable', String(error))
      }
    }
  }
  await next()
}
