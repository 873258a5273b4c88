import type { Child } from 'hono/jsx'
import type { MessageKey } from '../../../src/i18n/catalogue'
import type { VideoStats } from '../../../src/playback/analytics'
import type { Video } from '../../../src/videos/types'
import { FormNotice } from '../FormField'
import { useT } from '../I18nContext'
import { formatDuration } from '../../format'
import { formatBytes } from './video-format'
import { VideoState } from './VideoState'

/** A video as the admin list shows it: with its film's title and who uploaded it, looked up by the route. */
export interface AdminVideoRow {
  video: Video
  /** The film's title; null when the catalog did not answer (the id is shown instead). */
  title: string | null
  /** The uploader's display name (or id when it could not be read); null once their account is deleted. */
  uploader: string | null
  /** Queued long enough to say that no transcoder has taken it (src/videos/shape.ts waitingForTranscoder). */
  waiting: boolean
  /** A ready video's last 30 days (src/playback/analytics.ts). */
  stats?: VideoStats
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
  if (row.stats) {
    const { starts, completionRate, averageWatched, rebuffersPerStart } = row.stats
    const share = (value: number | null) => (value === null ? none : t.number(value, { style: 'percent', maximumFractionDigits: 0 }))
    facts.push(
      ['admin.video.starts', t.number(starts)],
      ['admin.video.completion', share(completionRate)],
      ['admin.video.watched', share(averageWatched)],
      ['admin.video.rebuffers', rebuffersPerStart === null ? none : t.number(rebuffersPerStart, { maximumFractionDigits: 2 })],
    )
  }
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
        <VideoState video={video} waiting={row.waiting} />
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
