import type { Child } from 'hono/jsx'
import type { Video, VideoStatus } from '../../src/videos/types'
import type { MessageKey } from '../../src/i18n/catalogue'
import type { Translator } from '../../src/i18n/translator'
import { ASSETS } from '../assets'
import { Layout } from '../Layout'
import { FormNotice, type FieldErrors } from '../components/FormField'
import { LiveStatus } from '../components/LiveStatus'
import { useT } from '../components/I18nContext'

/** A video as the admin list shows it: with its film's title and who uploaded it, looked up by the route. */
export interface AdminVideoRow {
  video: Video
  /** The film's title; null when the catalog did not answer (the id is shown instead). */
  title: string | null
  /** The uploader's display name (or id when it could not be read); null once their account is deleted. */
  uploader: string | null
}

export interface UploadValues {
  movie_id?: string
  license?: string
  credit?: string
  label?: string
}

export interface UploadFormState {
  values?: UploadValues
  errors?: FieldErrors
  /** A form-level problem (too large, too many uploads under way, the film is unknown…). */
  problem?: Child
}

export interface AdminVideosProps {
  rows: AdminVideoRow[]
  /** Bytes of every source stored. */
  storage: number
  /** The largest file the no-JavaScript form takes. */
  formLimit: number
  /** The largest subtitle file. */
  subtitleLimit: number
  /** Subtitle languages offered: code → name in the reader's language. */
  subtitleLanguages: [string, string][]
  /** The notice after a form was sent (?notice=…). */
  notice?: { kind: 'success' | 'error'; text: string }
  upload?: UploadFormState
}

/** While a video is in one of these states its status block polls (every 5 s) until it changes. */
export const ACTIVE_STATUSES: ReadonlySet<VideoStatus> = new Set(['uploading', 'queued', 'transcoding'])

const STATUS: Record<VideoStatus, MessageKey> = {
  uploading: 'admin.status.uploading',
  queued: 'admin.status.queued',
  transcoding: 'admin.status.transcoding',
  ready: 'admin.status.ready',
  failed: 'admin.status.failed',
  deleting: 'admin.status.deleting',
}

const UNITS = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const

/** A size in the reader's units ("7.5 MB", "7,5 Mo"), 1024-based as file managers show them; never below kilobytes. */
export function formatBytes(bytes: number, t: Translator): string {
  let value = Math.max(0, bytes) / 1024
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return t.number(value, { style: 'unit', unit: UNITS[unit], unitDisplay: 'short', maximumFractionDigits: value < 10 && value > 0 ? 1 : 0 })
}

/** Seconds as m:ss or h:mm:ss. */
function formatDuration(seconds: number): string {
  const whole = Math.round(seconds)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

const partCount = (video: Video) => Math.max(1, Math.ceil(video.size / video.part_size))
const percent = (t: Translator, fraction: number) => t.number(Math.min(1, Math.max(0, fraction)), { style: 'percent', maximumFractionDigits: 0 })

/** What the video is doing: its status, and while it moves, a progress bar; polls while the video is busy. */
export function VideoState({ video }: { video: Video }) {
  const t = useT()
  const active = ACTIVE_STATUSES.has(video.status)
  const labelId = `video-state-${video.id}-label`
  let progress: Child = null
  if (video.status === 'uploading') {
    const received = video.parts.length
    const total = partCount(video)
    progress = (
      <>
        <progress max={total} value={received} aria-labelledby={labelId}></progress>
        <span class="video-progress-text">{t('admin.video.parts', { received, total })}</span>
      </>
    )
  } else if (video.status === 'transcoding') {
    progress = (
      <>
        <progress max={100} value={Math.round(video.progress * 100)} aria-labelledby={labelId}></progress>
        <span class="video-progress-text">{percent(t, video.progress)}</span>
      </>
    )
  }
  // While busy, the block asks for itself again every 5 s; the route answers with the whole row (HX-Retarget) once
  // the status is another than `was`, so the row's buttons follow and an open form elsewhere in it is left alone.
  const poll = active
    ? { 'hx-get': `/admin/videos/${video.id}/state?was=${video.status}`, 'hx-trigger': 'every 5s', 'hx-swap': 'outerHTML' }
    : {}
  return (
    <div id={`video-state-${video.id}`} class="video-state" {...poll}>
      <p class="video-status-line">
        <span id={labelId} class={`video-status status-${video.status}`}>
          {t(STATUS[video.status])}
        </span>
        {video.published ? null : <span class="video-unpublished">{t('admin.video.unpublished')}</span>}
      </p>
      {progress ? <div class="video-progress">{progress}</div> : null}
      {video.status === 'failed' && video.error ? <p class="video-error">{t('admin.video.error', { error: video.error })}</p> : null}
    </div>
  )
}

/** A POST form of one button: without JavaScript the page reloads with a notice; with htmx the row is swapped. */
function ActionForm({ video, action, label, kind = 'secondary' }: { video: Video; action: string; label: string; kind?: 'secondary' | 'danger' | 'primary' }) {
  const url = `/admin/videos/${video.id}/${action}`
  return (
    <form method="post" action={url} hx-post={url} hx-target={`#video-${video.id}`} hx-swap="outerHTML" class="video-action">
      <button type="submit" class={`button small ${kind}`}>
        {label}
      </button>
    </form>
  )
}

function SubtitleForm({ video, languages, limit }: { video: Video; languages: [string, string][]; limit: number }) {
  const t = useT()
  const url = `/admin/videos/${video.id}/subtitles`
  const id = (name: string) => `subtitles-${video.id}-${name}`
  return (
    <details class="video-disclosure">
      <summary class="button small secondary">{t('admin.subtitles.add')}</summary>
      <form
        method="post"
        action={url}
        enctype="multipart/form-data"
        hx-post={url}
        hx-encoding="multipart/form-data"
        hx-target={`#video-${video.id}`}
        hx-swap="outerHTML"
        class="subtitle-form"
      >
        <div class="field">
          <label for={id('language')}>{t('admin.subtitles.language')}</label>
          <select id={id('language')} name="language" required>
            {languages.map(([code, name]) => (
              <option value={code}>{name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={id('file')}>{t('admin.subtitles.file')}</label>
          <input id={id('file')} type="file" name="file" accept=".srt,.vtt,text/vtt,application/x-subrip" required aria-describedby={id('hint')} />
          <p class="field-hint" id={id('hint')}>
            {t('admin.subtitles.hint', { max: formatBytes(limit, t) })}
          </p>
        </div>
        <button type="submit" class="button small primary">
          {t('admin.subtitles.submit')}
        </button>
      </form>
    </details>
  )
}

function DeleteForm({ video }: { video: Video }) {
  const t = useT()
  const url = `/admin/videos/${video.id}/delete`
  // A disclosure asks first (no JavaScript needed): the button that deletes is one step away.
  return (
    <details class="video-disclosure danger">
      <summary class="button small secondary">{t('admin.action.delete')}</summary>
      <form method="post" action={url} hx-post={url} hx-target={`#video-${video.id}`} hx-swap="outerHTML" class="delete-form">
        <p>{t('admin.action.deleteConfirm')}</p>
        <button type="submit" class="button small danger">
          {t('admin.action.deleteYes')}
        </button>
      </form>
    </details>
  )
}

/** One video: its film, state, facts and what an operator can do with it. */
export function VideoItem({ row, languages, subtitleLimit, problem }: { row: AdminVideoRow; languages: [string, string][]; subtitleLimit: number; problem?: string }) {
  const t = useT()
  const { video, title, uploader } = row
  const none = <span class="muted">{t('admin.video.none')}</span>
  const languageNames = (codes: string[]) => (codes.length ? codes.map((code) => languages.find(([c]) => c === code)?.[1] ?? code).join(', ') : none)
  const facts: [MessageKey, Child][] = [
    ['admin.video.size', formatBytes(video.size, t)],
    ['admin.video.duration', video.duration !== null ? formatDuration(video.duration) : none],
    ['admin.video.license', <bdi>{video.license}</bdi>],
    ['admin.video.credit', video.credit ? <bdi>{video.credit}</bdi> : none],
    ['admin.video.uploadedBy', uploader !== null ? <bdi>{uploader}</bdi> : <span class="muted">{t('admin.video.deletedAccount')}</span>],
    ['admin.video.added', <time datetime={video.created_at}>{t.date(video.created_at)}</time>],
    ['admin.video.renditions', video.renditions.length ? video.renditions.map((r) => `${r.height}p`).join(', ') : none],
    ['admin.video.audio', languageNames(video.audio)],
    ['admin.video.subtitles', languageNames(video.subtitles)],
  ]
  const busy = video.status === 'deleting'
  return (
    <li id={`video-${video.id}`} class={`video-item status-${video.status}`}>
      <div class="video-head">
        <h3 class="video-title">
          <a href={`/movies/${video.movie_id}`}>
            <bdi>{title ?? t('admin.video.film', { id: String(video.movie_id) })}</bdi>
          </a>
          {video.label ? (
            <span class="video-label">
              {' '}
              <bdi>{video.label}</bdi>
            </span>
          ) : null}
        </h3>
        <VideoState video={video} />
      </div>
      {problem ? <FormNotice kind="error">{problem}</FormNotice> : null}
      <dl class="video-facts">
        {facts.map(([key, value]) => (
          <div>
            <dt>{t(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {busy ? null : (
        <div class="video-actions" role="group" aria-label={t('admin.video.actions', { title: title ?? String(video.movie_id) })}>
          {video.status === 'uploading' ? <ActionForm video={video} action="cancel" label={t('admin.action.cancel')} /> : null}
          {video.status === 'failed' ? <ActionForm video={video} action="retry" label={t('admin.action.retry')} kind="primary" /> : null}
          {video.status !== 'uploading' ? (
            video.published ? (
              <ActionForm video={video} action="unpublish" label={t('admin.action.unpublish')} />
            ) : (
              <ActionForm video={video} action="publish" label={t('admin.action.publish')} kind="primary" />
            )
          ) : null}
          {video.status !== 'uploading' ? <SubtitleForm video={video} languages={languages} limit={subtitleLimit} /> : null}
          <DeleteForm video={video} />
        </div>
      )}
    </li>
  )
}

/** The storage line above the list; sent out of band after an action changes it. */
export function LibrarySummary({ count, storage, oob }: { count: number; storage: number; oob?: boolean }) {
  const t = useT()
  return (
    <p id="library-summary" class="page-subtitle library-summary" {...(oob ? { 'hx-swap-oob': 'true' } : {})}>
      {t('admin.summary', { count, size: formatBytes(storage, t) })}
    </p>
  )
}

/** Every video, newest first: what the uploader script asks for again after starting or finishing an upload. */
export function VideoLibrary({ rows, storage, subtitleLanguages, subtitleLimit }: Pick<AdminVideosProps, 'rows' | 'storage' | 'subtitleLanguages' | 'subtitleLimit'>) {
  const t = useT()
  return (
    <section id="video-library" class="video-library" aria-labelledby="library-heading">
      <h2 id="library-heading">{t('admin.list.heading')}</h2>
      <LibrarySummary count={rows.length} storage={storage} />
      {rows.length === 0 ? (
        <p class="empty-state">{t('admin.empty')}</p>
      ) : (
        <ol class="video-list">
          {rows.map((row) => (
            <VideoItem row={row} languages={subtitleLanguages} subtitleLimit={subtitleLimit} />
          ))}
        </ol>
      )}
    </section>
  )
}

/** A row after an htmx action: the row, the storage line and what happened, for screen readers. */
export function VideoItemFragment(props: { row: AdminVideoRow | null; languages: [string, string][]; subtitleLimit: number; count: number; storage: number; message: string; problem?: string }) {
  return (
    <>
      {props.row ? <VideoItem row={props.row} languages={props.languages} subtitleLimit={props.subtitleLimit} problem={props.problem} /> : null}
      <LibrarySummary count={props.count} storage={props.storage} oob />
      <LiveStatus message={props.message} />
    </>
  )
}

function TextField({ name, label, hint, value, error, required, maxlength, inputmode }: {
  name: keyof UploadValues
  label: string
  hint?: string
  value?: string
  error?: string
  required?: boolean
  maxlength?: number
  inputmode?: 'numeric'
}) {
  const id = `upload-${name}`
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="text"
        value={value}
        required={required}
        maxlength={maxlength}
        inputmode={inputmode}
        pattern={inputmode === 'numeric' ? '[0-9]+' : undefined}
        autocomplete="off"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  )
}

/**
 * The upload form. Without JavaScript it posts the file as multipart/form-data (up to `formLimit`); with
 * public/assets/upload.js the file goes through the JSON API in parts, with progress, cancel and resume after a reload.
 * The script's words come from data-* attributes, so they are in the page's language.
 */
export function UploadForm({ formLimit, state = {} }: { formLimit: number; state?: UploadFormState }) {
  const t = useT()
  const { values = {}, errors = {}, problem } = state
  const max = formatBytes(formLimit, t)
  const command = <code>{t('admin.upload.command')}</code>
  const messages = {
    'data-locale': t.info.intl,
    'data-msg-starting': t('admin.upload.starting'),
    'data-msg-progress': t('admin.upload.progress'),
    'data-msg-finishing': t('admin.upload.finishing'),
    'data-msg-done': t('admin.upload.done'),
    'data-msg-cancelled': t('admin.upload.cancelled'),
    'data-msg-failed': t('admin.upload.failed'),
    'data-msg-offline': t('admin.upload.offline'),
    'data-msg-resume': t('admin.resume.text'),
    'data-msg-resuming': t('admin.resume.resuming'),
    'data-msg-mismatch': t('admin.resume.mismatch'),
    'data-msg-gone': t('admin.resume.gone'),
  }
  const fileError = errors.file
  return (
    <section class="upload-panel" aria-labelledby="upload-heading" data-upload-panel>
      <h2 id="upload-heading">{t('admin.upload.heading')}</h2>
      {problem ? <FormNotice kind="error">{problem}</FormNotice> : null}
      <div class="upload-resume" data-upload-resume hidden>
        <h3>{t('admin.resume.heading')}</h3>
        <p data-resume-text></p>
        <div class="field">
          <label for="resume-file">{t('admin.resume.file')}</label>
          <input id="resume-file" type="file" data-resume-file />
        </div>
        <p class="upload-buttons">
          <button type="button" class="button small primary" data-resume-start>
            {t('admin.resume.submit')}
          </button>
          <button type="button" class="button small secondary" data-resume-discard>
            {t('admin.resume.discard')}
          </button>
        </p>
      </div>
      <form id="upload-form" class="upload-form" method="post" action="/admin/videos/upload" enctype="multipart/form-data" data-uploader {...messages}>
        <TextField
          name="movie_id"
          label={t('admin.upload.movieId')}
          hint={t('admin.upload.movieIdHint')}
          value={values.movie_id}
          error={errors.movie_id}
          required
          maxlength={9}
          inputmode="numeric"
        />
        <TextField name="license" label={t('admin.upload.license')} hint={t('admin.upload.licenseHint')} value={values.license} error={errors.license} required maxlength={200} />
        <TextField name="credit" label={t('admin.upload.credit')} hint={t('admin.upload.creditHint')} value={values.credit} error={errors.credit} maxlength={300} />
        <TextField name="label" label={t('admin.upload.label')} hint={t('admin.upload.labelHint')} value={values.label} error={errors.label} maxlength={100} />
        <div class={fileError ? 'field invalid' : 'field'}>
          <label for="upload-file">{t('admin.upload.file')}</label>
          <input
            id="upload-file"
            type="file"
            name="file"
            accept="video/*,.mkv,.mp4,.mov,.webm"
            required
            aria-invalid={fileError ? 'true' : undefined}
            aria-describedby={fileError ? 'upload-file-hint upload-file-error' : 'upload-file-hint'}
          />
          <p class="field-hint" id="upload-file-hint">
            {t.rich('admin.upload.fileHint', { max, command })}
          </p>
          {fileError ? (
            <p class="field-error" id="upload-file-error">
              {fileError}
            </p>
          ) : null}
        </div>
        <p class="upload-buttons">
          <button type="submit" class="button primary" data-upload-submit>
            {t('admin.upload.submit')}
          </button>
        </p>
      </form>
      <div class="upload-progress" data-upload-progress hidden>
        <progress max={100} value={0} aria-labelledby="upload-heading" data-upload-bar></progress>
        <span class="upload-percent" aria-hidden="true" data-upload-percent></span>
        <button type="button" class="button small secondary" data-upload-cancel hidden>
          {t('admin.upload.cancel')}
        </button>
      </div>
      <p class="upload-status" role="status" aria-live="polite" data-upload-status></p>
    </section>
  )
}

/** /admin/videos: the operators' video library. */
export function AdminVideosPage(props: AdminVideosProps) {
  const t = useT()
  return (
    <Layout title={t('admin.title')}>
      <script src={ASSETS.upload} defer></script>
      <div class="page admin-page">
        <h1 class="page-title">{t('admin.title')}</h1>
        <p class="page-subtitle">{t('admin.lead')}</p>
        {props.notice ? <FormNotice kind={props.notice.kind}>{props.notice.text}</FormNotice> : null}
        <div class="admin-layout">
          <UploadForm formLimit={props.formLimit} state={props.upload} />
          <VideoLibrary rows={props.rows} storage={props.storage} subtitleLanguages={props.subtitleLanguages} subtitleLimit={props.subtitleLimit} />
        </div>
      </div>
    </Layout>
  )
}
