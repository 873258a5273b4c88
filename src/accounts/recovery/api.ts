import { Hono } from 'hono'
import type { AppEnv } from '../../context'
import { CACHE } from '../../http/cache'
import { clientAddress } from '../../http/origin'
import { validate } from '../../http/validate'
import { describe } from '../../openapi/metadata'
import { ErrorBodySchema } from '../../schemas/common'
import { PasswordResetBodySchema, PasswordResetConfirmBodySchema, VerifyEmailBodySchema } from '../../schemas/accounts'

const TAGS = ['Accounts']
const noStore = { 'Cache-Control': CACHE.noStore.cacheControl }

/** /api/v1/auth: password recovery and email verification by emailed link (no session needed). */
export const recoveryApi = new Hono<AppEnv>()

recoveryApi.post(
  '/auth/password-reset',
  describe({
    summary: 'Email a password-reset link (single use, 30 minutes; at most 5 per account per hour; more than 20 requests from one client in an hour: 429)',
    tags: TAGS,
    responses: {
      202: { description: 'Whether or not the address has an account' },
      429: { description: 'rate_limited: more than 20 requests from this client in an hour (Retry-After)', schema: ErrorBodySchema },
    },
  }),
  validate('json', PasswordResetBodySchema),
  async (c) => {
    await c.get('services').accounts.recovery.requestReset(c.req.valid('json').email, clientAddress(c))
    return c.body(null, 202, noStore)
  },
)

recoveryApi.post(
  '/auth/password-reset/confirm',
  describe({
    summary: 'Set a new password with a reset token: every session of the user is revoked',
    tags: TAGS,
    responses: {
      204: { description: 'Password changed; every older token stops working' },
      400: { description: 'invalid_token (unknown, used or expired)', schema: ErrorBodySchema },
    },
  }),
  validate('json', PasswordResetConfirmBodySchema),
  async (c) => {
    const { token, password } = c.req.valid('json')
    await c.get('services').accounts.recovery.confirmReset(token, password)
    return c.body(null, 204, noStore)
  },
)

recoveryApi.post(
  '/auth/verify-email',
  describe({
    summary: 'Confirm the email address with the token from the emailed link',
    tags: TAGS,
    responses: {
      204: { description: 'The address is verified' },
      400: { description: 'invalid_token (unknown, used or expired)', schema: ErrorBodySchema },
    },
  }),
  validate('json', VerifyEmailBodySchema),
  async (c) => {
    await c.get('services').accounts.recovery.verify(c.req.valid('json').token)
    return c.body(null, 204, noStore)
  },
)
