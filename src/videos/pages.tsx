import { Hono, type Context } from 'hono'
import type { Child } from 'hono/jsx'
import { currentUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { errors, knownError } from '../http/errors'
import { wantsFragment } from '../http/htmx'
import { catalogOptions } from '../http/page-helpers'
import { render } from '../http/render'
import type { MessageKey } from '../i18n/catalogue'
import type { Translator } from '../i18n/translator'
import { VIDEO_ID } from '../media/keys'
import { AdminVideosPage, type AdminVideosProps } from '../../views/pages/admin-videos'
import { formatBytes } from '../../views/components/admin/video-format'
import { VideoItem, type AdminVideoRow } from '../../views/components/admin/VideoItem'
import { VideoItemFragment, VideoLibrary } from '../../views/components/admin/VideoLibrary'
import { VideoState } from '../../views/components/admin/VideoState'
import { declaredLength, requireOperatorPage } from './middleware'
import { MultipartReader, multipartBoundary } from './multipart'
import { addSubtitlesFromForm, problemText, subtitleTooLargeText, uploadFromForm } from './page-forms'
import { waitingForTranscoder } from './shape'
import { FORM_UPLOAD_LIMIT, MAX_SUBTITLE_BYTES, type Video } from './types'

type Ctx = Context<AppEnv>

/** What a form body may carry besides its file: the multipart framing and the small fields before it. */
const FORM_OVERHEAD = 64 * 1024
/** Subtitle languages the form offers (any BCP 47 tag works through the API). */
const SUBTITLE_CODES = ['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'ru', 'sv', 'tr', 'zh']

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
  const ready = videos.filter((video) => video.status === 'ready').map((video) => video.id)
  const [films, uploaders, stats] = await Promise.all([
    movieIds.length ? services.catalog.many(movieIds, catalogOptions(c)).catch(() => []) : [],
    Promise.all(
      uploaderIds.map((id) =>
        services.accounts.profileOf(id).then(
          (profile): [string, string | null] => [id, profile ? profile.display_name : null],
          (): [string, string | null] => [id, id],
        ),
      ),
    ),
    // What viewers did with the ready ones; the list shows without it when it cannot be read.
    ready.length ? services.playback.analytics.stats(ready).catch(() => new Map()) : new Map(),
  ])
  const titles = new Map(films.map((film) => [film.id, film.title]))
  const names = new Map(uploaders)
  return videos.map((video) => ({
    video,
    title: titles.get(video.movie_id) ?? null,
    uploader: video.created_by ? (names.get(video.created_by) ?? null) : null,
    waiting: waitingForTranscoder(video, Date.now()),
    ...(stats.has(video.id) ? { stats: stats.get(video.id) } : {}),
  }))
}

async function library(c: Ctx) {
  const videos = c.get('services').videos
  const { videos: list, storage } = await videos.overview()
  return { rows: await rowsOf(c, list), storage, subtitleLanguages: subtitleLanguages(c.get('t')), subtitleLimit: MAX_SUBTITLE_BYTES }
}

type PageExtras = Pick<AdminVideosProps, 'notice' | 'upload'>

async function renderPage(c: Ctx, extras: PageExtras = {}, status: 200 | 400 | 404 | 411 | 413 | 422 = 200) {
  return render(c, <AdminVideosPage {...await library(c)} formLimit={FORM_UPLOAD_LIMIT} {...extras} />, { status })
}

const tooLargeText = (t: Translator) =>
  t.rich('admin.upload.tooLarge', { max: formatBytes(FORM_UPLOAD_LIMIT, t), command: <code>{t('admin.upload.command')}</code> }) as Child

/** The operators' video library (/admin/videos): the list, the no-JavaScript upload and subtitle forms, row actions. */
export const videoPages = new Hono<AppEnv>()

videoPages.get('/admin/videos', requireOperatorPage, async (c) => {
  const notice = c.req.query('notice')
  const key = notice && Object.hasOwn(NOTICES, notice) ? NOTICES[notice as Notice] : undefined
  return renderPage(c, key ? { notice: { kind: 'success', text: c.get('t')(key) } } : {})
})

/** The list alone: what upload.js asks for after starting or finishing an upload. */
videoPages.get('/admin/videos/list', requireOperatorPage, async (c) => render(c, <VideoLibrary {...await library(c)} />))

/**
 * A busy video's status block, polled by htmx every 5 s. Once the status is another than the one shown (`was`), the
 * whole row comes back instead (HX-Retarget), so its buttons follow; a video gone or being deleted leaves the list.
 */
videoPages.get('/admin/videos/:id/state', requireOperatorPage, async (c) => {
  const id = videoId(c)
  const video = await c.get('services').videos.get(id)
  const was = c.req.query('was')
  if (video && video.status !== 'deleting' && video.status === was) return render(c, <VideoState video={video} waiting={waitingForTranscoder(video, Date.now())} />)
  c.header('HX-Retarget', `#video-${id}`)
  c.header('HX-Reswap', 'outerHTML')
  if (!video || video.status === 'deleting') return c.body('', 200)
  const [row] = await rowsOf(c, [video])
  const t = c.get('t')
  return render(c, <VideoItem row={row!} languages={subtitleLanguages(t)} subtitleLimit={MAX_SUBTITLE_BYTES} />)
})

/**
 * The no-JavaScript upload: multipart/form-data read as a stream (never parseBody), its fields first, then the file
 * sent to the library in part-size pieces (one piece in memory at a time; uploadFromForm, src/videos/page-forms.ts).
 * Bodies over FORM_UPLOAD_LIMIT are refused from their Content-Length, unread; larger files go through upload.js or
 * `npm run video:add`.
 */
videoPages.post('/admin/videos/upload', requireOperatorPage, async (c) => {
  const boundary = multipartBoundary(c.req.header('Content-Type'))
  const body = c.req.raw.body
  const length = declaredLength(c, Number.MAX_SAFE_INTEGER)
  if (length > FORM_UPLOAD_LIMIT + FORM_OVERHEAD) {
    return renderPage(c, { upload: { problem: tooLargeText(c.get('t')) } }, 413)
  }
  if (!boundary || !body) throw errors.malformed('errors.malformed.form')
  const reader = new MultipartReader(body, boundary, { parts: 20 })
  const outcome = await uploadFromForm(c.get('services').videos, currentUser(c).id, { reader, boundary, length }, c.get('t'))
  if ('refused' in outcome) {
    const { status, ...form } = outcome.refused
    return renderPage(c, { upload: form }, status)
  }
  return c.redirect('/admin/videos?notice=uploaded', 303)
})

/** A subtitle file (SubRip or WebVTT, ≤ MAX_SUBTITLE_BYTES) for one language, through the same streaming reader. */
videoPages.post('/admin/videos/:id/subtitles', requireOperatorPage, async (c) => {
  const id = videoId(c)
  const length = declaredLength(c, Number.MAX_SAFE_INTEGER)
  if (length > MAX_SUBTITLE_BYTES + 16 * 1024) return subtitleProblem(c, id, subtitleTooLargeText(c.get('t')), 413)
  const boundary = multipartBoundary(c.req.header('Content-Type'))
  const body = c.req.raw.body
  if (!boundary || !body) throw errors.malformed('errors.malformed.form')
  const reader = new MultipartReader(body, boundary, { parts: 10 })
  const outcome = await addSubtitlesFromForm(c.get('services').videos, id, reader, c.get('t'))
  if ('problem' in outcome) return subtitleProblem(c, id, outcome.problem, outcome.status)
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
  const [video, { videos: list, storage }] = await Promise.all([videos.get(id), videos.overview()])
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
videoPages.post('/admin/videos/:id/:action{publish|unpublish|cancel|retry|delete}', requireOperatorPage, async (c) => {
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
