import { Hono } from 'hono'
import { z } from 'zod'
import { currentUser, requireApiUser } from '../auth/middleware'
import { MovieSchema } from '../catalog/types'
import type { AppEnv } from '../context'
import { CACHE, cacheHeaders } from '../http/cache'
import { beaconBody, validate } from '../http/validate'
import { describe } from '../openapi/metadata'
import { VIDEO_ID } from '../media/keys'
import { PLAYBACK_EVENTS } from '../playback/analytics'
import { ErrorBodySchema, MovieIdParamSchema } from '../schemas/common'

const ProgressBodySchema = z.object({
  position: z.number().describe('Seconds into the film'),
  at: z.iso.datetime({ offset: true }).optional().describe('When the viewer was there (default now; clamped to the last 30 days … 5 minutes ahead)'),
})
const ContinueWatchingSchema = z.object({
  results: z.array(MovieSchema.extend({ position: z.number(), duration: z.number(), updated_at: z.string() })).describe('Most recent first'),
})
const PlaybackEventSchema = z.object({
  video_id: z.string().regex(VIDEO_ID).describe('The video played (the playback answer’s URLs name it)'),
  event: z.enum(PLAYBACK_EVENTS).describe('start: the first frame; complete: the end; rebuffer: playback stalled for data'),
  at: z.iso.datetime({ offset: true }).optional().describe('When (default now; clamped like progress reports)'),
})
const TAGS = ['watching']

const reportDoc = (summary: string) =>
  describe({
    summary,
    description: 'The newest `at` wins: an older report changes nothing. A `duration` sent is ignored (the video’s own counts).',
    tags: TAGS,
    auth: true,
    responses: {
      204: { description: 'Stored (or older than what is stored)' },
      401: { description: 'Not signed in', schema: ErrorBodySchema },
      404: { description: 'No ready video for this film (video_not_found)', schema: ErrorBodySchema },
      422: { description: 'A position outside 0 … duration + 5 s (validation_failed)', schema: ErrorBodySchema },
      429: { description: 'More than 60 reports a minute (rate_limited)', schema: ErrorBodySchema },
    },
  })

/** /api/v1/me/progress/:movieId, /api/v1/me/continue-watching and /api/v1/me/playback-events: what the signed-in viewer watches. */
export const progressApi = new Hono<AppEnv>()

for (const method of ['put', 'post'] as const) {
  progressApi[method](
    '/me/progress/:movieId',
    reportDoc(method === 'put' ? 'Report where you are in a film' : 'Report where you are in a film (POST, for sendBeacon)'),
    requireApiUser,
    validate('param', MovieIdParamSchema),
    // POST is for sendBeacon, whose string bodies come as text/plain.
    beaconBody,
    validate('json', ProgressBodySchema),
    async (c) => {
      const { position, at } = c.req.valid('json')
      const user = currentUser(c)
      await c.get('services').progress.report(user.id, c.req.valid('param').movieId, at === undefined ? { position } : { position, at }, user.language)
      return c.body(null, 204, cacheHeaders(c, CACHE.personal))
    },
  )
}

progressApi.delete(
  '/me/progress/:movieId',
  describe({ summary: 'Take a film out of Continue watching', tags: TAGS, auth: true, responses: { 204: { description: 'Out of the row' }, 401: { description: 'Not signed in', schema: ErrorBodySchema } } }),
  requireApiUser,
  validate('param', MovieIdParamSchema),
  async (c) => {
    await c.get('services').progress.remove(currentUser(c).id, c.req.valid('param').movieId)
    return c.body(null, 204, cacheHeaders(c, CACHE.personal))
  },
)

progressApi.get(
  '/me/continue-watching',
  describe({
    summary: 'Films you stopped in, most recent first',
    description: 'Films under 5 % or at 90 % and more (watched) are not in it.',
    tags: TAGS,
    auth: true,
    responses: { 200: { description: 'The row', schema: ContinueWatchingSchema }, 401: { description: 'Not signed in', schema: ErrorBodySchema } },
  }),
  requireApiUser,
  async (c) => {
    const user = currentUser(c)
    const results = await c.get('services').progress.continueWatching(user.id, { language: user.language })
    return c.json({ results }, 200, cacheHeaders(c, CACHE.ownData))
  },
)

progressApi.post(
  '/me/playback-events',
  describe({
    summary: 'Tell operators what happened while playing: a start, the end, a rebuffer',
    description: 'Summed per video and day for /admin/videos. A retried event is counted once; a rebuffer at most once per 10 s.',
    tags: TAGS,
    auth: true,
    responses: {
      204: { description: 'Counted (or already counted)' },
      401: { description: 'Not signed in', schema: ErrorBodySchema },
      404: { description: 'No such ready video (video_not_found)', schema: ErrorBodySchema },
      429: { description: 'More than 30 events a minute (rate_limited)', schema: ErrorBodySchema },
    },
  }),
  requireApiUser,
  validate('json', PlaybackEventSchema),
  async (c) => {
    const { video_id, event, at } = c.req.valid('json')
    await c.get('services').playback.analytics.record(currentUser(c).id, { videoId: video_id, event, ...(at === undefined ? {} : { at }) })
    return c.body(null, 204, cacheHeaders(c, CACHE.personal))
  },
)
