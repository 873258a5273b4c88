import { Hono } from 'hono'
import { currentUser, requireApiUser } from '../../auth/middleware'
import { clearSessionCookie, setSessionCookie } from '../../auth/session'
import { toUser, type Profile } from '../../accounts/types'
import type { AppEnv } from '../../context'
import { clientAddress } from '../../http/origin'
import { validate } from '../../http/validate'
import { errors } from '../../http/errors'
import { isKnownRegion } from '../../where-to-watch/service'
import { CACHE } from '../../http/cache'
import { describe } from '../../openapi/metadata'
import { ErrorBodySchema } from '../../schemas/common'
import {
  DeleteAccountBodySchema,
  PatchedProfileSchema,
  ProfilePatchSchema,
  ProfileSchema,
} from '../../schemas/accounts'
import { ExportSchema } from '../../schemas/export'

const TAGS = ['Accounts']
/** Accounts, sessions and tokens are never stored by any cache. */
const noStore = { 'Cache-Control': CACHE.noStore.cacheControl }
const profileJson = (p: Profile) => ({ ...toUser(p), notifications: p.notifications })

/** /api/v1/me: the signed-in user's profile, export and deletion. */
export const meApi = new Hono<AppEnv>()

meApi.get(
  '/me',
  describe({
    summary: 'The signed-in user',
    tags: TAGS,
    auth: true,
    responses: { 200: { description: 'The user, with notification preferences', schema: ProfileSchema } },
  }),
  requireApiUser,
  (c) => c.json(profileJson(currentUser(c).profile), 200, noStore),
)

meApi.patch(
  '/me',
  describe({
    summary: 'Update your profile',
    description: 'current_password is required to change email or password; such a change revokes older tokens and returns a fresh one.',
    tags: TAGS,
    auth: true,
    responses: {
      200: { description: 'The updated user; `token` when email or password changed', schema: PatchedProfileSchema },
      403: { description: 'invalid_password', schema: ErrorBodySchema },
      409: { description: 'email_taken', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('json', ProfilePatchSchema),
  async (c) => {
    const user = currentUser(c)
    const accounts = c.get('services').accounts
    const patch = c.req.valid('json')
    if (patch.region && !(await isKnownRegion(c.get('services').watchProviders, patch.region))) throw errors.validation([{ path: 'region', message: { key: 'validation.region' } }])
    const { profile, rotated } = await accounts.update(user.profile, patch, clientAddress(c))
    if (!rotated) return c.json(profileJson(profile), 200, noStore)
    const token = await accounts.token(profile)
    if (user.via === 'cookie') setSessionCookie(c, token)
    return c.json({ ...profileJson(profile), token }, 200, noStore)
  },
)

meApi.delete(
  '/me',
  describe({
    summary: 'Delete your account and every item of your data',
    tags: TAGS,
    auth: true,
    responses: { 204: { description: 'Deleted' }, 403: { description: 'invalid_password', schema: ErrorBodySchema } },
  }),
  requireApiUser,
  validate('json', DeleteAccountBodySchema),
  async (c) => {
    const user = currentUser(c)
    await c.get('services').accounts.deleteAccount(user.profile, c.req.valid('json').current_password, clientAddress(c))
    if (user.via === 'cookie') clearSessionCookie(c)
    return c.body(null, 204, noStore)
  },
)

meApi.get(
  '/me/export',
  describe({
    summary: 'Export all your data',
    tags: TAGS,
    auth: true,
    responses: { 200: { description: 'Everything stored about you: profile, list, reviews, notifications and each feature\'s data', schema: ExportSchema } },
  }),
  requireApiUser,
  async (c) => {
    const data = await c.get('services').accounts.exportData(currentUser(c).profile)
    return c.json(data, 200, { ...noStore, 'Content-Disposition': 'attachment; filename="flixpeek-export.json"' })
  },
)
