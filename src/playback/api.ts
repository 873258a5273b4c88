import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context'
import { CACHE, cacheHeaders } from '../http/cache'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { PLAYER_KEY, VIDEO_ID } from '../media/keys'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema, IdParamSchema } from '../schemas/common'
import { MEDIA_CORS_HEADERS, servePlatformMedia } from './media'
import { verifyPlaybackToken } from './token'

const PlaybackSchema = z.object({
  hls: z.string().describe('The master playlist: /media/t/<token>/<video>/v1/master-r1.m3u8 (its URIs are relative and inherit the token)'),
  mp4: z.string().describe('The progressive MP4, under the same token'),
  expires_at: z.iso.datetime().describe('When the token stops opening these URLs (PLAYBACK_TOKEN_TTL_SECONDS after minting)'),
  resume_at: z.number().describe('Where to start, in seconds'),
  audio: z.array(z.string()).describe('Audio languages, in the master’s order'),
  subtitles: z.array(z.string()).describe('Subtitle languages'),
})

/** `POST /api/v1/movies/:id/playback`: a fresh media token for the film's ready video. */
export const playbackApi = new Hono<AppEnv>().post(
  '/movies/:id/playback',
  describe({
    summary: 'Start watching a film: URLs of its video under a fresh media token',
    description: 'Each call mints a new token. Anonymous callers get 401 unless the server runs with PLAYBACK=public.',
    tags: ['watching'],
    auth: true,
    responses: {
      200: { description: 'Where to stream the film from', schema: PlaybackSchema },
      401: { description: 'Not signed in (PLAYBACK=members)', schema: ErrorBodySchema },
      404: { description: 'No ready, published video for this film (video_not_found)', schema: ErrorBodySchema },
      429: { description: 'More than 30 starts in 10 minutes (rate_limited)', schema: ErrorBodySchema },
    },
  }),
  validate('param', IdParamSchema),
  async (c) => {
    const playback = c.get('services').playback
    const user = c.get('user')
    if (!user && !playback.open) throw errors.unauthorized()
    const started = await playback.start(user?.id ?? null, c.req.valid('param').id)
    return c.json(started.playback, 200, cacheHeaders(c, CACHE.personal))
  },
)

const MEDIA_PATH = /^\/media\/t\/([^/]+)\/([^/]+)\/(.+)$/

/**
 * `GET|HEAD /media/t/<token>/<videoId>/<name>`: a video's bytes for whoever holds a token for that video. Mounted
 * before the page cache, services, the session read, i18n and CSRF: a player asks for hundreds of segments, and
 * none of them reads the data store (src/playback/media.ts). Every answer, refusals too, may be read cross-origin.
 */
export const mediaBytes = new Hono<AppEnv>()
  .use('/media/*', async (c, next) => {
    await next()
    for (const [name, value] of Object.entries(MEDIA_CORS_HEADERS)) c.res.headers.set(name, value)
  })
  .options('/media/t/*', (c) =>
    c.body(null, 204, { 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS', 'Access-Control-Allow-Headers': 'Range, If-None-Match', 'Access-Control-Max-Age': '600' }),
  )
  .on(['GET', 'HEAD'], '/media/t/*', async (c) => {
    const url = new URL(c.req.url)
    const [, token = '', videoId = '', name = ''] = MEDIA_PATH.exec(url.pathname) ?? []
    if (!VIDEO_ID.test(videoId) || !PLAYER_KEY.test(name)) throw errors.notFound()
    const claims = await verifyPlaybackToken(c.get('config').jwtSecret, token)
    if (!claims || claims.videoId !== videoId) throw errors.forbidden()
    const answer = await servePlatformMedia(c.env.platform, c.req.raw, videoId, name)
    if (!answer) throw errors.notFound()
    return answer
  })
