import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { currentUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE } from '../http/cache'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { VIDEO_ID } from '../media/keys'
import { describe } from '../openapi/metadata'
import { ErrorBodySchema } from '../schemas/common'
import { declaredLength, requireOperator } from './middleware'
import { CreateVideoSchema, MAX_SUBTITLE_BYTES, SUBTITLE_LANGUAGE, UpdateVideoSchema, VideoSchema } from './types'

const TAGS = ['Video library (operators)']
const noStore = { 'Cache-Control': CACHE.noStore.cacheControl }
const IdParam = z.object({ id: z.string().regex(VIDEO_ID) })
const PartParam = IdParam.extend({ n: z.string().regex(/^[1-9]\d{0,4}$/).transform(Number) })
const LanguageParam = IdParam.extend({ lang: SUBTITLE_LANGUAGE })
const MD5 = /^[A-Za-z0-9+/]{22}==$/
const denied = {
  401: { description: 'Not signed in (unauthorized)', schema: ErrorBodySchema },
  403: { description: 'Signed in, not an operator (forbidden)', schema: ErrorBodySchema },
}
const notFound = { 404: { description: 'No such video (not_found)', schema: ErrorBodySchema } }
const conflict = { 422: { description: 'Not possible in the video\'s state, or invalid (validation_failed)', schema: ErrorBodySchema } }

/** The operators' video library (mounted under /api/v1): uploads in parts, publishing, subtitles, deletion. */
export const videosApi = new Hono<AppEnv>()
  .use('/admin/*', requireOperator)
  .post(
    '/admin/videos',
    describe({
      summary: 'Start uploading a video for a film',
      description: 'Answers with the part size every part but the last must have. At most 3 uploads under way per operator; `size` at most MAX_UPLOAD_BYTES.',
      tags: TAGS,
      auth: true,
      responses: { 201: { description: 'The video, `uploading`', schema: VideoSchema }, ...denied, ...conflict, 404: { description: 'No such film (movie_not_found)', schema: ErrorBodySchema } },
    }),
    validate('json', CreateVideoSchema),
    async (c) => c.json(await c.get('services').videos.create(currentUser(c).id, c.req.valid('json')), 201, noStore),
  )
  .get(
    '/admin/videos',
    describe({ summary: 'Every video of the library', tags: TAGS, auth: true, responses: { 200: { description: 'Newest first', schema: z.object({ results: z.array(VideoSchema) }) }, ...denied } }),
    async (c) => c.json({ results: await c.get('services').videos.list() }, 200, noStore),
  )
  .get(
    '/admin/videos/:id',
    describe({ summary: 'A video, with the parts received so far (to resume an upload); `deleting` until a deleted video\'s files are gone', tags: TAGS, auth: true, responses: { 200: { description: 'The video', schema: VideoSchema }, ...denied, ...notFound } }),
    validate('param', IdParam),
    async (c) => {
      // A deleted video is answered `deleting` until its files are gone (the list no longer shows it).
      const video = await c.get('services').videos.get(c.req.valid('param').id)
      if (!video) throw errors.notFound('errors.not_found.video')
      return c.json(video, 200, noStore)
    },
  )
  .patch(
    '/admin/videos/:id',
    describe({ summary: 'Publish or unpublish a video, or edit its label, licence and credit', tags: TAGS, auth: true, responses: { 200: { description: 'The video', schema: VideoSchema }, ...denied, ...notFound, ...conflict } }),
    validate('param', IdParam),
    validate('json', UpdateVideoSchema),
    async (c) => c.json(await c.get('services').videos.update(c.req.valid('param').id, c.req.valid('json')), 200, noStore),
  )
  .put(
    '/admin/videos/:id/parts/:n',
    describe({
      summary: 'Send one part of the file (raw bytes, application/octet-stream)',
      description:
        'Parts from 1, in any order; sending a part again replaces it. Every part but the last is exactly `part_size` bytes, the last at most that. `Content-Length` is required (411) and judged before the body is read (413 over `part_size`). An optional `Content-MD5` is checked.',
      tags: TAGS,
      auth: true,
      responses: {
        200: { description: 'Stored', schema: z.object({ part: z.number().int(), size: z.number().int(), etag: z.string() }) },
        ...denied,
        ...notFound,
        ...conflict,
        411: { description: 'No Content-Length (malformed_request)', schema: ErrorBodySchema },
        413: { description: 'Over part_size (malformed_request)', schema: ErrorBodySchema },
      },
    }),
    validate('param', PartParam),
    async (c) => {
      const library = c.get('services').videos
      const size = declaredLength(c, library.partSize)
      const md5 = c.req.header('Content-MD5')
      if (md5 !== undefined && !MD5.test(md5)) throw errors.malformed()
      const { id, n } = c.req.valid('param')
      const body = c.req.raw.body ?? new Blob([]).stream()
      return c.json(await library.putPart(id, n, body, { size, ...(md5 ? { md5 } : {}) }), 200, noStore)
    },
  )
  .post(
    '/admin/videos/:id/complete',
    describe({ summary: 'Join the parts and queue the video for transcoding', tags: TAGS, auth: true, responses: { 202: { description: 'The video, `queued`', schema: VideoSchema }, ...denied, ...notFound, 422: { description: 'Parts missing (listed) or the wrong state (validation_failed)', schema: ErrorBodySchema } } }),
    validate('param', IdParam),
    async (c) => c.json(await c.get('services').videos.complete(c.req.valid('param').id), 202, noStore),
  )
  .post(
    '/admin/videos/:id/cancel',
    describe({ summary: 'Abandon an upload under way', tags: TAGS, auth: true, responses: { 204: { description: 'The upload is aborted and the video gone' }, ...denied, ...conflict } }),
    validate('param', IdParam),
    async (c) => {
      await c.get('services').videos.cancel(c.req.valid('param').id)
      return c.body(null, 204, noStore)
    },
  )
  .post(
    '/admin/videos/:id/retry',
    describe({ summary: 'Transcode a failed video again', tags: TAGS, auth: true, responses: { 202: { description: 'The video, `queued`', schema: VideoSchema }, ...denied, ...notFound, ...conflict } }),
    validate('param', IdParam),
    async (c) => c.json(await c.get('services').videos.retry(c.req.valid('param').id), 202, noStore),
  )
  .delete(
    '/admin/videos/:id',
    describe({
      summary: 'Delete a video',
      description: 'Hidden at once; its files are removed in the background (status `deleting`, then gone).',
      tags: TAGS,
      auth: true,
      responses: { 202: { description: 'Deletion under way' }, ...denied, ...notFound },
    }),
    validate('param', IdParam),
    async (c) => {
      const library = c.get('services').videos
      const { id } = c.req.valid('param')
      if (!(await library.get(id))) throw errors.notFound('errors.not_found.video')
      await library.remove(id)
      return c.body(null, 202, noStore)
    },
  )
  .put(
    '/admin/videos/:id/subtitles/:lang',
    describe({ summary: 'Add or replace a subtitle track (SubRip or WebVTT text; stored as WebVTT)', tags: TAGS, auth: true, responses: { 201: { description: 'Stored' }, ...denied, ...notFound, ...conflict, 413: { description: 'Over 2 MB (malformed_request)', schema: ErrorBodySchema } } }),
    validate('param', LanguageParam),
    bodyLimit({ maxSize: MAX_SUBTITLE_BYTES, onError: () => { throw errors.tooLarge(Math.floor(MAX_SUBTITLE_BYTES / 1024)) } }),
    async (c) => {
      const { id, lang } = c.req.valid('param')
      await c.get('services').videos.putSubtitles(id, lang, await c.req.text())
      return c.body(null, 201, noStore)
    },
  )
