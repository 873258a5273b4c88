import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context'

/**
 * For the browsing pages that use it (a route-level middleware), the ids on the viewer's list (`c.get('listed')`, provided to pages by src/http/render.tsx),
 * so each card's button shows the real state: one Query for a signed-in user, an empty set for
 * a visitor (the buttons then lead to log in). A failed lookup only costs the buttons.
 */
export const withListed: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = c.get('user')
  if (!user) c.set('listed', new Set())
  else {
    try {
      c.set('listed', await c.get('services').watchlist.listedIds(user.id))
    } catch (error) {
      console.warn('watchlist state unavailable', String(error))
    }
  }
  await next()
}
