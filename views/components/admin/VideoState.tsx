import type { Child } from 'hono/jsx'
import type { MessageKey } from '../../../src/i18n/catalogue'
import type { Translator } from '../../../src/i18n/translator'
import type { Video, VideoStatus } from '../../../src/videos/types'
import { useT } from '../I18nContext'

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

const partCount = (video: Video) => Math.max(1, Math.ceil(video.size / video.part_size))
const percent = (t: Translator, fraction: number) => t.number(Math.min(1, Math.max(0, fraction)), { style: 'percent', maximumFractionDigits: 0 })

/**
 * What the video is doing: its status, and while it moves, a progress bar; polls while the video is busy. `waiting`:
 * queued with no transcoder taking it (said instead of "Queued", so an operator looks at the transcoder).
 */
export function VideoState({ video, waiting = false }: { video: Video; waiting?: boolean }) {
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
          {t(waiting ? 'admin.status.waiting' : STATUS[video.status])}
        </span>
        {video.published ? null : <span class="video-unpublished">{t('admin.video.unpublished')}</span>}
      </p>
      {progress ? <div class="video-progress">{progress}</div> : null}
      {video.status === 'failed' && video.error ? <p class="video-error">{t('admin.video.error', { error: video.error })}</p> : null}
    </div>
  )
}
