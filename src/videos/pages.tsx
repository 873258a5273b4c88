import { Hono, type Context, type MiddlewareHandler } from 'hono'
import type { Child } from 'hono/jsx'
import { z } from 'zod'
import { currentUser, requirePageUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { errors, knownError, type ApiError } from '../http/errors'
import { fieldErrors } from '../http/forms'
import { wantsFragment } from '../http/htmx'
import { catalogOptions } from '../http/page-helpers'
import { render } from '../http/render'
import type { MessageKey } from '../i18n/catalogue'
import { issueMessage as m } from '../i18n/message-ref'
import type { Translator } from '../i18n/translator'
import { VIDEO_ID } from '../media/keys'
import { AdminVideosPage, type AdminVideosProps } from '../../views/pages/admin-videos'
import type { UploadFormState, UploadValues } from '../../views/components/admin/UploadForm'
import { formatBytes } from '../../views/components/admin/video-format'
import { VideoItem, type AdminVideoRow } from '../../views/components/admin/VideoItem'
import { VideoItemFragment, VideoLibrary } from '../../views/components/admin/VideoLibrary'
import { VideoState } from '../../views/components/admin/VideoState'
import type { FieldErrors } from '../../views/components/FormField'
import { declaredLength, isOperator } from './middleware'
import { MultipartError, MultipartReader, multipartBoundary, type PartHeaders } from './multipart'
import { FORM_UPLOAD_LIMIT, MAX_SUBTITLE_BYTES, MAX_UPLOADING_PER_OPERATOR, SUBTITLE_LANGUAGE, type Video } from './types'

type Ctx = Context<AppEnv>

/** What a form body may carry besides its file: the multipart framing and the small fields before it. */
const FORM_OVERHEAD = 64 * 1024
/** Subtitle languages the form offers (any BCP 47 tag works through the API). */
const SUBTITLE_CODES = ['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'ru', 'sv', 'tr', 'zh']

/** The upload form's fields (the file comes after them); blanks mean "not given". */
const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const UploadFormSchema = z.object({
  movie_id: z.string({ message: m('admin.upload.movieIdInvalid') }).trim().regex(/^[1-9]\d{0,8}$/, m('admin.upload.movieIdInvalid')),
  license: z.string({ message: m('validation.required') }).trim().min(1, m('validation.required')).max(200),
  credit: z.preprocess(blank, z.string().trim().max(300).optional()),
  label: z.preprocess(blank, z.string().trim().max(100).optional()),
})
const UPLOAD_FIELDS = new Set(['movie_id', 'license', 'credit', 'label'])
const LABELS: Partial<Record<string, MessageKey>> = {
  movie_id: 'admin.upload.movieId',
  license: 'admin.upload.license',
  credit: 'admin.upload.credit',
  label: 'admin.upload.label',
}

/** The notices a form's redirect may name (?notice=…). */
const NOTICES = {
  uploaded: 'admin.notice.uploaded',
  published: 'admin.notice.published',
  unpublished: 'admin.notice.unpublished',
  cancelled: 'admin.notice.cancelled',
  retried: 'admin.notice.retried',
  deleted: 'admin.notice.deleted',
  subtitles: 'admin.notice.subtitles',
} as const satisfies Record<string, MessageKey>
type Notice = keyof typeof NOTICES

/**
 * Operators only, never stored: anonymous visitors go to the login page (requirePageUser), signed-in members who are
 * not operators get the 403 page. Checked before a byte of a form's body is read.
 */
const operatorPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  useCache(c, CACHE.noStore)
  return requirePageUser(c, async () => {
    if (!isOperator(c)) throw errors.forbidden('admin.forbidden')
    await next()
  })
}

const videoId = (c: Ctx) => {
  const id = c.req.param('id') ?? ''
  if (!VIDEO_ID.test(id)) throw errors.notFound('errors.not_found.video')
  return id
}

/** Subtitle languages named in the reader's language, theirs first. */
function subtitleLanguages(t: Translator): [string, string][] {
  const names = new Intl.DisplayNames([t.info.intl], { type: 'language' })
  const collator = new Intl.Collator(t.info.intl)
  const named = SUBTITLE_CODES.map((code): [string, string] => [code, names.of(code) ?? code])
  const own = named.filter(([code]) => code === t.locale)
  return [...own, ...named.filter(([code]) => code !== t.locale).sort((a, b) => collator.compare(a[1], b[1]))]
}

/** The films' titles (the id when the catalog fails) and the uploaders' names (a few operators: one read each). */
async function rowsOf(c: Ctx, videos: Video[]): Promise<AdminVideoRow[]> {
  const services = c.get('services')
  const movieIds = [...new Set(videos.map((v) => v.movie_id))]
  const uploaderIds = [...new Set(videos.flatMap((v) => (v.created_by ? [v.created_by] : [])))]
  const [films, uploaders] = await Promise.all([
    movieIds.length ? services.catalog.many(movieIds, catalogOptions(c)).catch(() => []) : [],
    Promise.all(
      uploaderIds.map((id) =>
        services.accounts.profileOf(id).then(
          (profile): [string, string | null] => [id, profile ? profile.display_name : null],
          (): [string, string | null] => [id, id],
        ),
      ),
    ),
  ])
  const titles = new Map(films.map((film) => [film.id, film.title]))
  const names = new Map(uploaders)
  return videos.map((video) => ({
    video,
    title: titles.get(video.movie_id) ?? null,
    uploader: video.created_by ? (names.get(video.created_by) ?? null) : null,
  }))
}

async function library(c: Ctx) {
  const videos = c.get('services').videos
  const [list, storage] = await Promise.all([videos.list(), videos.storageUsed()])
  return { rows: await rowsOf(c, list), storage, subtitleLanguages: subtitleLanguages(c.get('t')), subtitleLimit: MAX_SUBTITLE_BYTES }
}

type PageExtras = Pick<AdminVideosProps, 'notice' | 'upload'>

async function renderPage(c: Ctx, extras: PageExtras = {}, status: 200 | 400 | 404 | 411 | 413 | 422 = 200) {
  return render(c, <AdminVideosPage {...await library(c)} formLimit={FORM_UPLOAD_LIMIT} {...extras} />, { status })
}

/** An error a form can show next to itself, in the reader's language: its message, then its details. */
function problemText(t: Translator, error: ApiError): string {
  const details = (error.details ?? []).map((d) => t('error.detail', { field: d.path, message: t(d.message.key, d.message.params) }))
  return [t(error.ref.key, error.ref.params), ...details].join(' ')
}

const tooLargeText = (t: Translator) =>
  t.rich('admin.upload.tooLarge', { max: formatBytes(FORM_UPLOAD_LIMIT, t), command: <code>{t('admin.upload.command')}</code> }) as Child

/** A part's bytes as the stream putPart takes. */
const streamOf = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes)
      controller.close()
    },
  })

/** Reads a form's text fields up to its first file field; the reader then stands at that file's bytes. */
async function readFields(reader: MultipartReader, wanted: ReadonlySet<string>): Promise<{ values: Record<string, string>; file: PartHeaders | null }> {
  const values: Record<string, string> = {}
  for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
    if (part.filename !== null) {
      if (part.name === 'file') return { values, file: part }
    } else if (wanted.has(part.name)) {
      values[part.name] = await reader.text(4096)
    }
  }
  return { values, file: null }
}

/** The visitor's input as the form shows it again. */
const shownValues = (values: Record<string, string>): UploadValues => ({
  movie_id: values.movie_id,
  license: values.license,
  credit: values.credit,
  label: values.label,
})

/** The operators' video library (/admin/videos): the list, the no-JavaScript upload and subtitle forms, row actions. */
export const videoPages = new Hono<AppEnv>()

videoPages.get('/admin/videos', operatorPage, async (c) => {
  const notice = c.req.query('notice')
  const key = notice && Object.hasOwn(NOTICES, notice) ? NOTICES[notice as Notice] : undefined
  return renderPage(c, key ? { notice: { kind: 'success', text: c.get('t')(key) } } : {})
})

/** The list alone: what upload.js asks for after starting or finishing an upload. */
videoPages.get('/admin/videos/list', operatorPage, async (c) => render(c, <VideoLibrary {...await library(c)} />))

/**
 * A busy video's status block, polled by htmx every 5 s. Once the status is another than the one shown (`was`), the
 * whole row comes back instead (HX-Retarget), so its buttons follow; a video gone or being deleted leaves the list.
 */
videoPages.get('/admin/videos/:id/state', operatorPage, async (c) => {
  const id = videoId(c)
  const video = await c.get('services').videos.get(id)
  const was = c.req.query('was')
  if (video && video.status !== 'deleting' && video.status === was) return render(c, <VideoState video={video} />)
  c.header('HX-Retarget', `#video-${id}`)
  c.header('HX-Reswap', 'outerHTML')
  if (!video || video.status === 'deleting') return c.body('', 200)
  const [row] = await rowsOf(c, [video])
  const t = c.get('t')
  return render(c, <VideoItem row={row!} languages={subtitleLanguages(t)} subtitleLimit={MAX_SUBTITLE_BYTES} />)
})

/**
 * The no-JavaScript upload: multipart/form-data read as a stream (never parseBody), its fields first, then the file
 * sent to the library in part-size pieces (one piece in memory at a time). Bodies over FORM_UPLOAD_LIMIT are refused
 * from their Content-Length, unread; larger files go through upload.js or `npm run video:add`.
 */
videoPages.post('/admin/videos/upload', operatorPage, async (c) => {
  const t = c.get('t')
  const boundary = multipartBoundary(c.req.header('Content-Type'))
  const body = c.req.raw.body
  const length = declaredLength(c, Number.MAX_SAFE_INTEGER)
  if (length > FORM_UPLOAD_LIMIT + FORM_OVERHEAD) {
    return renderPage(c, { upload: { problem: tooLargeText(t) } }, 413)
  }
  if (!boundary || !body) throw errors.malformed('errors.malformed.form')
  const reader = new MultipartReader(body, boundary, { parts: 20 })
  const invalid = async (state: UploadFormState, status: 400 | 404 | 413 | 422 = 422) => {
    await reader.cancel()
    return renderPage(c, { upload: state }, status)
  }

  let fields: Awaited<ReturnType<typeof readFields>>
  try {
    fields = await readFields(reader, UPLOAD_FIELDS)
  } catch (error) {
    if (error instanceof MultipartError) return invalid({ problem: t('errors.malformed.form') }, 400)
    throw error
  }
  const values = shownValues(fields.values)
  const parsed = UploadFormSchema.safeParse(fields.values)
  const fieldProblems: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error, t, LABELS, fields.values)
  if (!fields.file || fields.file.filename === '') fieldProblems.file = t('admin.upload.noFile')
  // The file's size, from what is left of the body: its bytes, then the closing delimiter line.
  const size = length - reader.offset - `\r\n--${boundary}--\r\n`.length
  if (!fieldProblems.file && size <= 0) fieldProblems.file = t('admin.upload.noFile')
  if (!parsed.success || Object.keys(fieldProblems).length) return invalid({ values, errors: fieldProblems })
  const input = parsed.data

  const videos = c.get('services').videos
  let video: Video
  try {
    video = await videos.create(currentUser(c).id, { movie_id: Number(input.movie_id), size, license: input.license, credit: input.credit, label: input.label })
  } catch (error) {
    const known = knownError(error)
    if (known?.code === 'movie_not_found') return invalid({ values, errors: { movie_id: t('admin.upload.unknownFilm') } })
    if (known?.details?.some((d) => d.message.key === 'validation.videoUploadsUnderWay')) {
      return invalid({ values, problem: t('admin.upload.tooMany', { max: MAX_UPLOADING_PER_OPERATOR }) })
    }
    if (known && known.status === 422) return invalid({ values, problem: problemText(t, known) })
    await reader.cancel()
    throw error
  }

  try {
    const partSize = video.part_size
    let n = 1
    let received = 0
    let piece = new Uint8Array(Math.min(partSize, size))
    let filled = 0
    for (let chunk = await reader.read(); chunk; chunk = await reader.read()) {
      received += chunk.length
      if (received > size) throw new MultipartError('the file is longer than the body said')
      for (let at = 0; at < chunk.length; ) {
        const take = Math.min(piece.length - filled, chunk.length - at)
        piece.set(chunk.subarray(at, at + take), filled)
        filled += take
        at += take
        if (filled === piece.length) {
          await videos.putPart(video.id, n, streamOf(piece), { size: piece.length })
          n++
          filled = 0
          const left = size - (n - 1) * partSize
          if (left > 0) piece = new Uint8Array(Math.min(partSize, left))
        }
      }
    }
    if (received !== size) throw new MultipartError('the file is shorter than the body said')
    await reader.cancel()
    await videos.complete(video.id)
  } catch (error) {
    await videos.cancel(video.id).catch(() => undefined)
    if (error instanceof MultipartError) return invalid({ values, problem: t('admin.upload.incomplete') }, 400)
    const known = knownError(error)
    if (known && known.status === 422) return invalid({ values, problem: problemText(t, known) })
    await reader.cancel()
    throw error
  }
  return c.redirect('/admin/videos?notice=uploaded', 303)
})

/** A subtitle file (SubRip or WebVTT, ≤ MAX_SUBTITLE_BYTES) for one language, through the same streaming reader. */
videoPages.post('/admin/videos/:id/subtitles', operatorPage, async (c) => {
  const t = c.get('t')
  const id = videoId(c)
  const length = declaredLength(c, Number.MAX_SAFE_INTEGER)
  const tooLarge = t('admin.subtitles.tooLarge', { max: formatBytes(MAX_SUBTITLE_BYTES, t) })
  if (length > MAX_SUBTITLE_BYTES + 16 * 1024) return subtitleProblem(c, id, tooLarge, 413)
  const boundary = multipartBoundary(c.req.header('Content-Type'))
  const body = c.req.raw.body
  if (!boundary || !body) throw errors.malformed('errors.malformed.form')
  const reader = new MultipartReader(body, boundary, { parts: 10 })
  let language: string | undefined
  let text: string | undefined
  try {
    const fields = await readFields(reader, new Set(['language']))
    language = fields.values.language?.trim()
    if (fields.file && fields.file.filename !== '') text = await reader.text(MAX_SUBTITLE_BYTES)
  } catch (error) {
    await reader.cancel()
    if (error instanceof MultipartError) return subtitleProblem(c, id, /too long/.test(error.message) ? tooLarge : t('errors.malformed.form'), 400)
    throw error
  }
  await reader.cancel()
  if (!language || !SUBTITLE_LANGUAGE.safeParse(language).success) return subtitleProblem(c, id, t('validation.fieldSentence', { label: t('admin.subtitles.language'), message: t('validation.invalid') }), 422)
  if (!text) return subtitleProblem(c, id, t('admin.subtitles.noFile'), 422)
  try {
    await c.get('services').videos.putSubtitles(id, language, text)
  } catch (error) {
    const known = knownError(error)
    if (known && known.status === 422) return subtitleProblem(c, id, problemText(t, known), 422)
    throw error
  }
  return actionDone(c, id, 'subtitles')
})

/** A subtitle form's problem: in the row for htmx, else above the page's list. */
async function subtitleProblem(c: Ctx, id: string, text: string, status: 400 | 413 | 422) {
  if (wantsFragment(c)) return rowFragment(c, id, text, text)
  return renderPage(c, { notice: { kind: 'error', text } }, status)
}

/** The row again (or nothing, once it left the list), the storage line and a message for screen readers. */
async function rowFragment(c: Ctx, id: string, message: string, problem?: string) {
  const videos = c.get('services').videos
  const [video, list, storage] = await Promise.all([videos.get(id), videos.list(), videos.storageUsed()])
  const shown = video && video.status !== 'deleting' ? video : null
  const [row] = shown ? await rowsOf(c, [shown]) : [null]
  const t = c.get('t')
  return render(
    c,
    <VideoItemFragment row={row ?? null} languages={subtitleLanguages(t)} subtitleLimit={MAX_SUBTITLE_BYTES} count={list.length} storage={storage} message={message} problem={problem} />,
  )
}

/** After an action: the page again with its notice (303), or with htmx the row swapped in place. */
function actionDone(c: Ctx, id: string, notice: Notice) {
  if (!wantsFragment(c)) return c.redirect(`/admin/videos?notice=${notice}`, 303)
  return rowFragment(c, id, c.get('t')(NOTICES[notice]))
}

const ACTIONS: Record<string, { run: (videos: AppEnv['Variables']['services']['videos'], id: string) => Promise<unknown>; notice: Notice }> = {
  publish: { run: (videos, id) => videos.update(id, { published: true }), notice: 'published' },
  unpublish: { run: (videos, id) => videos.update(id, { published: false }), notice: 'unpublished' },
  cancel: { run: (videos, id) => videos.cancel(id), notice: 'cancelled' },
  retry: { run: (videos, id) => videos.retry(id), notice: 'retried' },
  delete: { run: (videos, id) => videos.remove(id), notice: 'deleted' },
}

/** Publish, unpublish, cancel an upload, transcode again, delete: one button each. */
videoPages.post('/admin/videos/:id/:action{publish|unpublish|cancel|retry|delete}', operatorPage, async (c) => {
  const id = videoId(c)
  const action = ACTIONS[c.req.param('action')]!
  try {
    await action.run(c.get('services').videos, id)
  } catch (error) {
    // With htmx, a refusal (the video moved on meanwhile) shows in its row; otherwise on the error page.
    const known = knownError(error)
    if (!wantsFragment(c) || !known || known.status >= 500) throw error
    const text = problemText(c.get('t'), known)
    return rowFragment(c, id, text, text)
  }
  return actionDone(c, id, action.notice)
})
