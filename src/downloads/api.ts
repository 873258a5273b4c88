import { Hono } from 'hono'
import { currentUser, requireApiUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE, cacheHeaders } from '../http/cache'
import { validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema } from '../schemas/common'
import { CreateDownloadSchema, DeviceQuerySchema, DownloadCreatedSchema, DownloadIdParamSchema, DownloadListSchema, DownloadSummarySchema } from './schemas'

const TAGS = ['downloads']
const unauthorized = { description: 'Not signed in', schema: ErrorBodySchema }

/**
 * /api/v1/me/downloads: films kept on the signed-in user's devices (src/downloads/service.ts). Their files are served
 * by src/downloads/media/api.ts under each download's own token.
 */
export const downloadsApi = new Hono<AppEnv>()

downloadsApi.post(
  '/me/downloads',
  describe({
    summary: 'Download a film to a device: the files to fetch, under a token of this download',
    description:
      'Idempotent per film and device: posting again replaces the quality and expiry, answers the same id with a fresh token, and retires the previous token. At most 25 active downloads per account, on at most 5 devices (a device with no download activity for 30 days stops counting).',
    tags: TAGS,
    auth: true,
    responses: {
      201: { description: 'The download, valid 30 days', schema: DownloadCreatedSchema },
      401: unauthorized,
      404: { description: 'No ready, published video for this film (video_not_found)', schema: ErrorBodySchema },
      409: { description: 'A 26th download or a sixth device (download_limit); details list the active downloads', schema: ErrorBodySchema },
      422: { description: 'A quality the video does not offer, or a malformed device id (validation_failed)', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('json', CreateDownloadSchema),
  async (c) => {
    const user = currentUser(c)
    const created = await c.get('services').downloads.create(user.id, c.req.valid('json'), user.language)
    return c.json(created, 201, cacheHeaders(c, CACHE.personal))
  },
)

downloadsApi.get(
  '/me/downloads',
  describe({
    summary: 'Your active downloads and the devices that hold them',
    tags: TAGS,
    auth: true,
    responses: { 200: { description: 'Downloads newest first; devices most recently active first', schema: DownloadListSchema }, 401: unauthorized },
  }),
  requireApiUser,
  async (c) => c.json(await c.get('services').downloads.list(currentUser(c).id), 200, cacheHeaders(c, CACHE.personal)),
)

downloadsApi.delete(
  '/me/downloads',
  describe({
    summary: 'Release a device: all of its downloads, and the device itself (it no longer counts)',
    tags: TAGS,
    auth: true,
    responses: {
      204: { description: 'Nothing of the device is left (idempotent)' },
      401: unauthorized,
      422: { description: 'No device, or a malformed one (validation_failed)', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('query', DeviceQuerySchema),
  async (c) => {
    await c.get('services').downloads.removeDevice(currentUser(c).id, c.req.valid('query').device)
    return c.body(null, 204, cacheHeaders(c, CACHE.personal))
  },
)

downloadsApi.delete(
  '/me/downloads/:id',
  describe({
    summary: 'Delete a download: its files stop opening within a minute',
    tags: TAGS,
    auth: true,
    responses: { 204: { description: 'Gone (idempotent)' }, 400: { description: 'Not a download id (invalid_id)', schema: ErrorBodySchema }, 401: unauthorized },
  }),
  requireApiUser,
  validate('param', DownloadIdParamSchema),
  async (c) => {
    await c.get('services').downloads.remove(currentUser(c).id, c.req.valid('param').id)
    return c.body(null, 204, cacheHeaders(c, CACHE.personal))
  },
)

downloadsApi.post(
  '/me/downloads/:id/renew',
  describe({
    summary: 'Renew a download for another 30 days (when the device opens it online)',
    tags: TAGS,
    auth: true,
    responses: {
      200: { description: 'The download with its new expiry', schema: DownloadSummarySchema },
      400: { description: 'Not a download id (invalid_id)', schema: ErrorBodySchema },
      401: unauthorized,
      404: { description: 'No such download, or it expired (not_found)', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('param', DownloadIdParamSchema),
  async (c) => c.json(await c.get('services').downloads.renew(currentUser(c).id, c.req.valid('param').id), 200, cacheHeaders(c, CACHE.personal)),
)
