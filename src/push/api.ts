import { Hono, type Context } from 'hono'
import { sessionCookieOf } from '../auth/session'
import { DEFAULT_NOTIFICATION_PREFS } from '../accounts/types'
import { bearerTokenOf, currentUser, requireApiUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE } from '../http/cache'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema } from '../schemas/common'
import { PublicKeySchema, PushSubscriptionBodySchema, PushUnsubscribeBodySchema, RegisteredSchema } from './schemas'

const TAGS = ['Web Push']

/**
 * The token the request's user was authenticated by (the bearer token, else the session cookie), or undefined when
 * nobody is signed in. A subscription records (a hash of) the session that registered it, so ending that session (a
 * plain logout, which revokes nothing server-side) also ends Web Push to that browser (the third audit's L2).
 */
export function sessionTokenOf(c: Context<AppEnv>): string | undefined {
  const user = c.get('user')
  if (!user) return undefined
  return user.via === 'bearer' ? bearerTokenOf(c.req.header('Authorization')) : sessionCookieOf(c)
}

const noStore = { 'Cache-Control': CACHE.noStore.cacheControl }

/** Web Push (mounted under /api/v1): the VAPID key and the signed-in user's subscriptions. */
export const pushApi = new Hono<AppEnv>()
  .get(
    '/push/public-key',
    describe({
      summary: 'The VAPID public key browsers subscribe with (applicationServerKey)',
      tags: TAGS,
      responses: { 200: { description: 'The key', schema: PublicKeySchema }, 404: { description: 'Web Push is not configured here (not_found)', schema: ErrorBodySchema } },
    }),
    (c) => {
      const key = c.get('services').push.publicKey
      if (!key) throw errors.notFound('errors.not_found.push')
      return c.json({ key }, 200, { 'Cache-Control': 'public, max-age=3600' })
    },
  )
  .put(
    '/me/push-subscriptions',
    describe({
      summary: 'Register this browser for Web Push',
      description: 'The browser\'s PushSubscription JSON. At most 10 per user: a new one replaces the oldest. Turns the user\'s notifications.push on (notifications are then also delivered as Web Push). A subscription the push service answers 404/410 for is dropped.',
      tags: TAGS,
      auth: true,
      responses: {
        201: { description: 'Registered', schema: RegisteredSchema },
        200: { description: 'Already registered (keys refreshed)', schema: RegisteredSchema },
        422: { description: 'Malformed subscription, a key not on the P-256 curve, or an endpoint that is not a push service (validation_failed)', schema: ErrorBodySchema },
      },
    }),
    requireApiUser,
    validate('json', PushSubscriptionBodySchema),
    async (c) => {
      const body = c.req.valid('json')
      const push = c.get('services').push
      if (!push.acceptsEndpoint(body.endpoint)) throw errors.validation([{ path: 'endpoint', message: { key: 'validation.pushEndpoint' } }])
      const user = currentUser(c)
      const outcome = await push.subscribe(user.id, body, user.profile.token_version, sessionTokenOf(c))
      // The contract: once a subscription is registered, notifications are also delivered as Web Push. Stored while
      // notifications.push is off it would get nothing (the third audit's I6), so registering turns the switch on, as
      // the profile's switch does next anyway (public/push-switch.js PUTs, then saves push: true). Off is a PATCH.
      const prefs = user.profile.notifications
      if (prefs?.push !== true) await c.get('services').accounts.update(user.profile, { notifications: { ...DEFAULT_NOTIFICATION_PREFS, ...prefs, push: true } })
      return c.json({ endpoint: body.endpoint }, outcome === 'created' ? 201 : 200, noStore)
    },
  )
  .delete(
    '/me/push-subscriptions',
    describe({
      summary: 'Stop Web Push to this browser',
      tags: TAGS,
      auth: true,
      responses: { 204: { description: 'Removed (also when it was not registered)' }, 422: { description: 'validation_failed', schema: ErrorBodySchema } },
    }),
    requireApiUser,
    validate('json', PushUnsubscribeBodySchema),
    async (c) => {
      await c.get('services').push.unsubscribe(currentUser(c).id, c.req.valid('json').endpoint)
      return c.body(null, 204, noStore)
    },
  )
