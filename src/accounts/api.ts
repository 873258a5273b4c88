import { Hono } from 'hono'
import { currentUser, requireApiUser } from '../auth/middleware'
import { clearSessionCookie } from '../auth/session'
import { toUser, uiLanguage } from '../accounts/types'
import type { AppEnv } from '../context'
import { clientAddress } from '../http/origin'
import { validate } from '../http/validate'
import { CACHE } from '../http/cache'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema } from '../schemas/common'
import { LoginBodySchema, SessionSchema, SignupBodySchema } from '../schemas/accounts'

const TAGS = ['Accounts']
/** Accounts, sessions and tokens are never stored by any cache. */
const noStore = { 'Cache-Control': CACHE.noStore.cacheControl }

/** /api/v1/auth: sign-up and login hand out bearer tokens; logout-all revokes every token. */
export const authApi = new Hono<AppEnv>()

authApi.post(
  '/auth/signup',
  describe({
    summary: 'Create an account',
    tags: TAGS,
    responses: {
      201: { description: 'Created: a bearer token and the user', schema: SessionSchema },
      409: { description: 'email_taken', schema: ErrorBodySchema },
      429: { description: 'rate_limited (Retry-After)', schema: ErrorBodySchema },
    },
  }),
  validate('json', SignupBodySchema),
  async (c) => {
    const accounts = c.get('services').accounts
    const body = c.req.valid('json')
    // A new account keeps the language its visitor was using (lang cookie, else Accept-Language), not English.
    const profile = await accounts.signup({ ...body, language: body.language ?? uiLanguage(c.get('locale')) }, clientAddress(c))
    return c.json({ token: await accounts.token(profile), user: toUser(profile) }, 201, noStore)
  },
)

authApi.post(
  '/auth/login',
  describe({
    summary: 'Log in with email and password',
    tags: TAGS,
    responses: {
      200: { description: 'A bearer token and the user', schema: SessionSchema },
      401: { description: 'invalid_credentials (unknown email and wrong password alike)', schema: ErrorBodySchema },
      429: { description: 'rate_limited (Retry-After)', schema: ErrorBodySchema },
    },
  }),
  validate('json', LoginBodySchema),
  async (c) => {
    const { email, password } = c.req.valid('json')
    const accounts = c.get('services').accounts
    const profile = await accounts.login(email, password, clientAddress(c))
    return c.json({ token: await accounts.token(profile), user: toUser(profile) }, 200, noStore)
  },
)

authApi.post(
  '/auth/logout-all',
  describe({
    summary: 'Log out everywhere: every existing token of the user stops working',
    tags: TAGS,
    auth: true,
    responses: { 204: { description: 'All tokens revoked' } },
  }),
  requireApiUser,
  async (c) => {
    const user = currentUser(c)
    await c.get('services').accounts.logoutAll(user.id)
    if (user.via === 'cookie') clearSessionCookie(c)
    return c.body(null, 204, noStore)
  },
)
