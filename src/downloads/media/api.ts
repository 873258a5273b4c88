import { Hono } from 'hono'
import type { AppEnv } from '../../context'
import { errors } from '../../http/errors'
import { PLAYER_KEY, VIDEO_ID } from '../../media/keys'
import { MEDIA_CORS_HEADERS, servePlatformMedia } from '../../playback/media'

const MEDIA_PATH = /^\/media\/d\/([^/]+)\/([^/]+)\/(.+)$/
const PLAYLIST_HEADERS = { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'private, max-age=60', 'X-Media-Cache': 'BYPASS' }

/**
 * `GET|HEAD|OPTIONS /media/d/<token>/<videoId>/<name>`: a download's files, for whoever holds its token. The same
 * answers as `/media/t/` (src/playback/api.ts: ranges, CORS, the token-free edge copy of each object), but each
 * request checks the download's record and the video row (one read, remembered a minute per isolate: the service's
 * `grant`), so deleting the download, letting it expire or deleting the video revokes the files.
 *
 * 403 forbidden: a bad token, or a download that no longer stands; 404: a name this download does not hold.
 * `v<ladder>/offline.m3u8` is written per download: one rendition and the chosen audio and subtitle tracks.
 * Mounted with the request's services but before the session read, i18n and CSRF (src/app.ts): media requests
 * carry no cookie.
 */
export const downloadMedia = new Hono<AppEnv>()
  .use('/media/d/*', async (c, next) => {
    await next()
    for (const [name, value] of Object.entries(MEDIA_CORS_HEADERS)) c.res.headers.set(name, value)
  })
  .options('/media/d/*', (c) =>
    c.body(null, 204, { 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS', 'Access-Control-Allow-Headers': 'Range, If-None-Match', 'Access-Control-Max-Age': '600' }),
  )
  .on(['GET', 'HEAD'], '/media/d/*', async (c) => {
    const url = new URL(c.req.url)
    const [, token = '', videoId = '', name = ''] = MEDIA_PATH.exec(url.pathname) ?? []
    if (!VIDEO_ID.test(videoId) || !PLAYER_KEY.test(name)) throw errors.notFound()
    const grant = await c.get('services').downloads.grant(token, videoId)
    if (!grant) throw errors.forbidden()
    if (!grant.allows(name)) throw errors.notFound()
    if (grant.isOfflineMaster(name)) {
      const text = grant.offline()
      if (text === null) throw errors.notFound()
      const length = String(new TextEncoder().encode(text).byteLength)
      return new Response(c.req.method === 'HEAD' ? null : text, { headers: { ...PLAYLIST_HEADERS, 'Content-Length': length } })
    }
    // The same edge copy as /media/t/'s: a segment watched online and downloaded is one object.
    const answer = await servePlatformMedia(c.env.platform, c.req.raw, videoId, name)
    if (!answer) throw errors.notFound()
    return answer
  })
