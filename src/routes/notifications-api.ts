import { Hono } from 'hono'
import { z } from 'zod'
import { currentUser, requireApiUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { NotificationSchema } from '../notifications/store'
import { describe } from '../openapi/metadata'
import { PageQuerySchema } from '../schemas/common'
import { CACHE, cacheHeaders } from '../http/cache'

const NotificationListSchema = z.object({
  unread: z.number().int().describe('Unread notifications in total'),
  results: z.array(NotificationSchema).describe('Newest first, 20 per page'),
})
// Ids are opaque strings; one of the wrong shape is simply not found (404), like an unknown one.
const NotificationParamSchema = z.object({ id: z.string().min(1).max(100) })


/** The signed-in user's notifications (mounted under /api/v1). */
export const notificationsApiRoutes = new Hono<AppEnv>()
  .get(
    '/me/notifications',
    describe({
      summary: 'Your notifications, newest first, with the unread count',
      tags: ['notifications'],
      auth: true,
      responses: { 200: { description: 'A page of notifications', schema: NotificationListSchema } },
    }),
    requireApiUser,
    validate('query', PageQuerySchema),
    async (c) => {
      const user = currentUser(c)
      const { page } = c.req.valid('query')
      const store = c.get('services').notifications
      const [unread, results] = await Promise.all([store.unreadCount(user.id), store.list({ ...user, t: c.get('t') }, page)])
      return c.json({ unread, results }, 200, cacheHeaders(c, CACHE.personal))
    },
  )
  .post(
    '/me/notifications/read-all',
    describe({
      summary: 'Mark every notification as read',
      tags: ['notifications'],
      auth: true,
      responses: { 204: { description: 'All read' } },
    }),
    requireApiUser,
    async (c) => {
      await c.get('services').notifications.markAllRead(currentUser(c).id)
      return c.body(null, 204)
    },
  )
  .post(
    '/me/notifications/:id/read',
    describe({
      summary: 'Mark one notification as read',
      tags: ['notifications'],
      auth: true,
      responses: { 204: { description: 'Read' }, 404: { description: 'No such notification of yours' } },
    }),
    requireApiUser,
    validate('param', NotificationParamSchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const found = await c.get('services').notifications.markRead({ ...currentUser(c), t: c.get('t') }, id)
      if (!found) throw errors.notFound('There is no such notification.')
      return c.body(null, 204)
    },
  )
