import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../../context'
import { CACHE } from '../../http/cache'
import { errors } from '../../http/errors'
import { ladderPrefix, sourceKey, VIDEO_ID } from '../../media/keys'
import { parseRange } from '../../media/range'
import type { MediaRange } from '../../media/store'
import { declaredLength } from '../middleware'
import { EXPIRES_HEADER, SIGNATURE_HEADER, verifyMediaRequest } from '../signing'

/** A file name under a ladder: plain path segments the transcoder writes (`video/720/seg_00001.m4s`), nothing else. */
const OUTPUT_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}\/){0,4}[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/
const noStore = { 'Cache-Control': CACHE.noStore.cacheControl }
/** What the transcoder writes, by extension: playlists, segments, the MP4 fallback, subtitles, thumbnails. */
const OUTPUT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  vtt: 'text/vtt; charset=utf-8',
  jpg: 'image/jpeg',
}
/** A completion's body: the parts' numbers and entity tags (10,000 parts at most, as S3 allows). */
const CompleteSchema = z.object({ parts: z.array(z.object({ n: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) })).min(1).max(10_000) })
const COMPLETE_BODY_BYTES = 1_000_000

/**
 * Whether this request is the transcoder's, signed for this method, path and video, and the video is being
 * transcoded. Every refusal is the same 403: a caller learns nothing about which videos exist.
 */
async function signedFor(c: Context<AppEnv>, videoId: string): Promise<boolean> {
  if (!VIDEO_ID.test(videoId)) return false
  const valid = await verifyMediaRequest(c.get('config').mediaWriteSecret, {
    method: c.req.method,
    // The query too: it names the part protocol's step (?uploads, ?upload_id=…&part=n, ?upload_id=…&complete).
    path: `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`,
    videoId,
    expires: c.req.header(EXPIRES_HEADER),
    signature: c.req.header(SIGNATURE_HEADER),
  })
  return valid
}

/** One range, or the whole object for none or one it does not serve (RFC 9110 §14.2 lets a server ignore it). */
function rangeOf(header: string | undefined): MediaRange | undefined {
  const asked = parseRange(header)
  return asked.kind === 'one' ? asked.range : undefined
}

/**
 * The transcoder's own routes (the next issue's worker): read a source, write its outputs. Under `npm start` only
 * the worker's binding reaches local R2, and in production the transcoder holds no R2 credentials. Mounted before
 * the session read (no cookie counts here), absent from the OpenAPI document, never cached.
 */
export const internalMediaApi = new Hono<AppEnv>()
  .get('/internal/media/:videoId/source', async (c) => {
    const { videoId } = c.req.param()
    const services = c.get('services')
    if (!(await signedFor(c, videoId))) throw errors.forbidden()
    const video = await services.videos.transcoding(videoId)
    if (!video) throw errors.forbidden()
    const media = services.videos.mediaStore()
    const range = rangeOf(c.req.header('Range'))
    let object
    try {
      object = await media.get(sourceKey(videoId), range)
    } catch (error) {
      if (error instanceof RangeError) return c.body(null, 416, { ...noStore, 'Content-Range': `bytes */${video.size}` })
      throw error
    }
    if (!object) throw errors.notFound('errors.not_found.video')
    const headers: Record<string, string> = { ...noStore, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream', ETag: `"${object.etag}"` }
    if (!object.range) return c.body(object.body, 200, { ...headers, 'Content-Length': String(object.size) })
    const { offset, length } = object.range
    return c.body(object.body, 206, { ...headers, 'Content-Length': String(length), 'Content-Range': `bytes ${offset}-${offset + length - 1}/${object.size}` })
  })
  .put('/internal/media/:videoId/:ladder{v[1-9][0-9]{0,3}}/*', async (c) => {
    const { videoId, ladder } = c.req.param()
    const services = c.get('services')
    if (!(await signedFor(c, videoId))) throw errors.forbidden()
    const prefix = `/internal/media/${videoId}/${ladder}/`
    const name = new URL(c.req.url).pathname.slice(prefix.length)
    if (!OUTPUT_PATH.test(name)) throw errors.forbidden()
    const video = await services.videos.transcoding(videoId)
    if (!video || ladder !== `v${video.ladder}`) throw errors.forbidden()
    const media = services.videos.mediaStore()
    const key = `${ladderPrefix(videoId, Number(ladder.slice(1)))}${name}`
    // The type comes from the name, never from the caller: these objects are served to viewers later.
    const contentType = OUTPUT_TYPES[name.slice(name.lastIndexOf('.') + 1)]
    if (!contentType) throw errors.forbidden()
    const uploadId = c.req.query('upload_id')
    // Objects over part_size (the progressive MP4 of a long film) go in parts, S3's way: start, parts, complete.
    if (c.req.query('uploads') !== undefined) return c.json({ upload_id: await media.createUpload(key, { contentType }) }, 200, noStore)
    if (uploadId && c.req.query('complete') !== undefined) {
      declaredLength(c, COMPLETE_BODY_BYTES)
      const parsed = CompleteSchema.safeParse(await c.req.json().catch(() => null))
      if (!parsed.success) throw errors.malformed()
      await media.completeUpload(key, uploadId, parsed.data.parts)
      return c.json({ key: name }, 200, noStore)
    }
    const size = declaredLength(c, media.partSize)
    const body = c.req.raw.body ?? new Blob([]).stream()
    const part = Number(c.req.query('part'))
    if (uploadId) {
      if (!Number.isInteger(part) || part < 1 || part > 10_000) throw errors.malformed()
      const { etag } = await media.uploadPart(key, uploadId, part, body, { size })
      return c.json({ part, etag }, 200, noStore)
    }
    const { etag } = await media.put(key, body, { size, contentType })
    return c.json({ key: name, size, etag }, 200, noStore)
  })
