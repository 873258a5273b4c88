import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context'

/**
 * For the browsing pages that use it (a route-level middleware), the ids on the viewer's list (`c.get('listed')`, provided to pages by src/http/render.tsx),
 * and of the films they watched to the end (`c.get('watched')`, the cards' "Watched" marks),
 * so each card's button shows the real state: one Query for a signed-in user, an empty set for
 * a visitor (the buttons then lead to log in). A failed lookup only costs the buttons.
 */
export const withListed: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = c.get('user')
  if (!user) c.set('listed', new Set())
  else {
    // Both summaries came with the session's profile (the read plan of src/services.ts): no round trip of their own.
    const services = c.get('services')
    const [listed, watched] = await Promise.allSettled([services.watchlist.listedIds(user.id), services.progress.watchedIds(user.id)])
    if (listed.status === 'fulfilled') c.set('listed', listed.value)
    else console.warn('watchlist state unavailable', String(listed.reason))
    if (watched.status === 'fulfilled') c.set('watched', watched.value)
    else console.warn('watched marks unavailable', String(watched.reason))
  }
  await next()
}
