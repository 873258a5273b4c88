import { Hono } from 'hono'
import { currentUser, requirePageUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { CursorPageQuerySchema } from '../schemas/cursor'
import { NotificationBell } from '../../views/components/NotificationBell'
import { NotificationItemFragment, NotificationListFragment, NotificationsPage } from '../../views/pages/NotificationsPage'
import { render } from '../http/render'
import { navGenres, wantsFragment } from '../http/page-helpers'
import { CACHE, useCache } from '../http/cache'

/** The in-app notifications: the page, the bell fragment htmx polls, and the mark-read forms. */
export const notificationPages = new Hono<AppEnv>()

/** The bell alone, polled by htmx every minute. Signed out: 204, which htmx leaves in place. */
notificationPages.get('/notifications/bell', async (c) => {
  const user = c.get('user')
  useCache(c, CACHE.personal)
  if (!user) return c.body(null, 204)
  const unread = await c.get('services').notifications.unreadCount(user.id)
  return render(c, <NotificationBell unread={unread} />)
})

/** "Older" continues after the last notification shown (one page read, whatever the page number). */
const olderHrefFor = (nextCursor: string | null) => (nextCursor ? `/notifications?cursor=${encodeURIComponent(nextCursor)}` : undefined)

notificationPages.get('/notifications', requirePageUser, validate('query', CursorPageQuerySchema), async (c) => {
  const user = currentUser(c)
  const { page: pageNumber, cursor } = c.req.valid('query')
  const store = c.get('services').notifications
  // The unread middleware has usually counted already for the header's bell.
  const [unread, found, genres] = await Promise.all([
    c.get('unread') ?? c.get('unreadPending')?.then((n) => n ?? store.unreadCount(user.id)) ?? store.unreadCount(user.id),
    store.page({ ...user, t: c.get('t') }, cursor ? { cursor } : { page: pageNumber ?? 1 }),
    navGenres(c),
  ])
  const { page, results: notifications } = found
  const olderHref = olderHrefFor(found.next_cursor)
  useCache(c, CACHE.ownPage)
  return render(c, <NotificationsPage genres={genres} notifications={notifications} unread={unread} page={page} olderHref={olderHref} />)
})

notificationPages.post('/notifications/read-all', requirePageUser, async (c) => {
  const user = currentUser(c)
  const store = c.get('services').notifications
  await store.markAllRead(user.id)
  if (!wantsFragment(c)) return c.redirect('/notifications', 303)
  const first = await store.page({ ...user, t: c.get('t') }, { page: 1 })
  return render(c, <NotificationListFragment notifications={first.results} unread={0} page={1} olderHref={olderHrefFor(first.next_cursor)} />)
})

notificationPages.post('/notifications/:id/read', requirePageUser, async (c) => {
  const user = currentUser(c)
  const store = c.get('services').notifications
  const notification = await store.markRead({ ...user, t: c.get('t') }, c.req.param('id'))
  if (!notification) throw errors.notFound('errors.not_found.notification')
  if (!wantsFragment(c)) return c.redirect('/notifications', 303)
  const unread = await store.unreadCount(user.id)
  return render(c, <NotificationItemFragment notification={notification} unread={unread} />)
})
