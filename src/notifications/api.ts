import { Hono } from 'hono'
import { z } from 'zod'
import { currentUser, requireApiUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { NotificationSchema } from '../notifications/store'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema } from '../schemas/common'
import { CursorPageQuerySchema, NextCursorSchema } from '../schemas/cursor'
import { CACHE, cacheHeaders } from '../http/cache'

const NotificationListSchema = z.object({
  unread: z.number().int().describe('Unread notifications in total'),
  results: z.array(NotificationSchema).describe('Newest first, 20 per page'),
  next_cursor: NextCursorSchema.optional().describe('Pass as `cursor` for the next page (null on the last page); absent when the request used `page`'),
})
// Ids are opaque strings; one of the wrong shape is simply not found (404), like an unknown one.
const NotificationParamSchema = z.object({ id: z.string().min(1).max(100) })


/** The signed-in user's notifications (mounted under /api/v1). */
export const notificationsApi = new Hono<AppEnv>()
  .get(
    '/me/notifications',
    describe({
      summary: 'Your notifications, newest first, with the unread count',
      tags: ['notifications'],
      auth: true,
      responses: {
        200: { description: 'A page of notifications', schema: NotificationListSchema },
        422: { description: 'Bad page, or a cursor that is altered or not yours (validation_failed)', schema: ErrorBodySchema },
      },
    }),
    requireApiUser,
    validate('query', CursorPageQuerySchema),
    async (c) => {
      const user = currentUser(c)
      const { page, cursor } = c.req.valid('query')
      const store = c.get('services').notifications
      const [unread, found] = await Promise.all([store.unreadCount(user.id), store.page({ ...user, t: c.get('t') }, cursor ? { cursor } : { page: page ?? 1 })])
      // Numbered pages keep their original shape; otherwise the answer says where the next page starts.
      const body = page !== undefined && !cursor ? { unread, results: found.results } : { unread, results: found.results, next_cursor: found.next_cursor }
      return c.json(body, 200, cacheHeaders(c, CACHE.ownData))
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
      responses: { 204: { description: 'Read' }, 404: { description: 'No such notification of yours (not_found)', schema: ErrorBodySchema } },
    }),
    requireApiUser,
    validate('param', NotificationParamSchema),
    async (c) => {
      const { id } = c.req.valid('param')
      const found = await c.get('services').notifications.markRead({ ...currentUser(c), t: c.get('t') }, id)
      if (!found) throw errors.notFound('errors.not_found.notification')
      return c.body(null, 204)
    },
  )
