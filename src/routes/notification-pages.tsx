import { Hono } from 'hono'
import { currentUser, requirePageUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { PAGE_SIZE } from '../notifications/store'
import { validate } from '../http/validate'
import { PageQuerySchema } from '../schemas/common'
import { NotificationBell } from '../../views/components/NotificationBell'
import { NotificationItemFragment, NotificationListFragment, NotificationsPage } from '../../views/pages/NotificationsPage'
import { render } from '../http/render'
import { navGenres, wantsFragment } from './page-helpers'
import { CACHE, useCache } from '../http/cache'

/** The in-app notifications: the page, the bell fragment htmx polls, and the mark-read forms. */
export const notificationPageRoutes = new Hono<AppEnv>()

/** The bell alone, polled by htmx every minute. Signed out: 204, which htmx leaves in place. */
notificationPageRoutes.get('/notifications/bell', async (c) => {
  const user = c.get('user')
  useCache(c, CACHE.personal)
  if (!user) return c.body(null, 204)
  const unread = await c.get('services').notifications.unreadCount(user.id)
  return render(c, <NotificationBell unread={unread} />)
})

notificationPageRoutes.get('/notifications', requirePageUser, validate('query', PageQuerySchema), async (c) => {
  const user = currentUser(c)
  const { page } = c.req.valid('query')
  const store = c.get('services').notifications
  // The unread middleware has usually counted already for the header's bell.
  const [unread, notifications, genres] = await Promise.all([c.get('unread') ?? store.unreadCount(user.id), store.list({ ...user, t: c.get('t') }, page), navGenres(c)])
  const olderHref = notifications.length === PAGE_SIZE && page < 500 ? `/notifications?page=${page + 1}` : undefined
  useCache(c, CACHE.personalPage)
  return render(c, <NotificationsPage genres={genres} notifications={notifications} unread={unread} page={page} olderHref={olderHref} />)
})

notificationPageRoutes.post('/notifications/read-all', requirePageUser, async (c) => {
  const user = currentUser(c)
  const store = c.get('services').notifications
  await store.markAllRead(user.id)
  if (!wantsFragment(c)) return c.redirect('/notifications', 303)
  const notifications = await store.list({ ...user, t: c.get('t') }, 1)
  const olderHref = notifications.length === PAGE_SIZE ? '/notifications?page=2' : undefined
  return render(c, <NotificationListFragment notifications={notifications} unread={0} page={1} olderHref={olderHref} />)
})

notificationPageRoutes.post('/notifications/:id/read', requirePageUser, async (c) => {
  const user = currentUser(c)
  const store = c.get('services').notifications
  const notification = await store.markRead({ ...user, t: c.get('t') }, c.req.param('id'))
  if (!notification) throw errors.notFound('There is no such notification.')
  if (!wantsFragment(c)) return c.redirect('/notifications', 303)
  const unread = await store.unreadCount(user.id)
  return render(c, <NotificationItemFragment notification={notification} unread={unread} />)
})
