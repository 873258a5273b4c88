import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context'
import { wantsFragment } from '../http/htmx'
import { isJsonPath } from '../http/surfaces'

/**
 * For a signed-in user's full page loads, the unread count the header's bell shows
 * (`c.get('unreadPending')`, awaited and provided to pages by src/http/render.tsx). Fragments, JSON and assets skip it; a failed
 * lookup only costs the badge, never the page.
 */
export const unreadForPages = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const user = c.get('user')
  const isPageLoad =
    c.req.method === 'GET' && !isJsonPath(c.req.path) && !wantsFragment(c) && (c.req.header('Accept') ?? '').includes('text/html')
  if (user && isPageLoad) {
    // Read beside the route's own reads (list state, the page's data), not before them; the renderer awaits it.
    c.set(
      'unreadPending',
      c.get('services').notifications.unreadCount(user.id).catch((error: unknown) => {
        console.warn('unread count unavailable', String(error))
        return undefined
      }),
    )
  }
  await next()
}
