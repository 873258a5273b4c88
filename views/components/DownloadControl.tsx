import { ASSETS } from '../assets'
import { formatBytes } from './admin/video-format'
import { useT } from './I18nContext'

/** A quality a film's video offers for download (src/downloads/: its size from the rendition's bit rate). */
export interface DownloadQualityView {
  quality: string
  height: number
  bytes: number
  bytes_per_hour: number
}

/** The tier a quality is named by: 480p and below Standard, 720p High, above Full HD. */
const tierOf = (height: number) => (height >= 1080 ? 'full' : height >= 720 ? 'high' : 'standard')

/**
 * The texts public/assets/downloads.js shows (progress, errors, the list's lines), in the page's language, so the
 * script carries none of its own. Placeholders stay for the script to fill (`{percent}`, `{need}`…).
 */
export function DownloadTexts() {
  const t = useT()
  const keep = (name: string) => `{${name}}`
  return (
    <div
      id="download-texts"
      hidden
      data-progress={t('downloads.progress', { percent: keep('percent') })}
      data-paused={t('downloads.paused')}
      data-done={t('downloads.done')}
      data-network={t('downloads.network')}
      data-full={t('downloads.full')}
      data-quota={t('downloads.quota', { need: keep('need'), free: keep('free') })}
      data-limit={t('downloads.limit')}
      data-revoked={t('downloads.revoked')}
      data-failed={t('downloads.failed')}
      data-free={t('downloads.free', { free: keep('free') })}
      data-pause={t('downloads.pause')}
      data-resume={t('downloads.resume')}
      data-cancel={t('downloads.cancel')}
      data-remove={t('downloads.remove')}
      data-delete={t('downloads.remove')}
      data-expires={t('downloads.expires', { date: keep('date') })}
      data-space={t('downloads.space', { used: keep('used'), free: keep('free') })}
      data-this-device={t('downloads.thisDevice')}
    ></div>
  )
}

/**
 * "Download" on the film and watch pages of a film with a ready video: the qualities with their sizes, the device's
 * free space, then progress with pause, resume and cancel. Rendered hidden; the script shows it where a service worker
 * and Cache Storage exist (never without JavaScript: nothing could be kept).
 */
export function DownloadControl({ movieId, title, qualities }: { movieId: number; title: string; qualities: readonly DownloadQualityView[] }) {
  const t = useT()
  return (
    <div class="download" data-download={String(movieId)} data-title={title} hidden>
      <DownloadTexts />
      <details class="download-picker" data-download-picker>
        <summary class="button secondary">
          <span class="icon" aria-hidden="true">
            ⬇
          </span>{' '}
          {t('downloads.download')}
          <span class="visually-hidden"> {title}</span>
        </summary>
        <form class="download-form" data-download-form>
          <fieldset>
            <legend>{t('downloads.quality')}</legend>
            {qualities.map((q, i) => (
              <label class="download-quality">
                <input type="radio" name="quality" value={q.quality} data-bytes={String(q.bytes)} checked={i === 0} />{' '}
                <span dir="auto">
                  {t('downloads.qualityOption', { name: t(`downloads.tier.${tierOf(q.height)}`), quality: q.quality, rate: formatBytes(q.bytes_per_hour, t), size: formatBytes(q.bytes, t) })}
                </span>
              </label>
            ))}
          </fieldset>
          <p class="muted small" data-download-free></p>
          <button type="submit" class="button primary">
            {t('downloads.download')}
          </button>
        </form>
      </details>
      <div class="download-state" data-download-state hidden>
        <progress max="100" value="0" aria-label={t('downloads.progressLabel', { title })}></progress>
        <span role="status" data-download-status></span>
        <button type="button" class="button ghost small" data-download-action="pause">
          {t('downloads.pause')}
        </button>
        <button type="button" class="button ghost small" data-download-action="resume" hidden>
          {t('downloads.resume')}
        </button>
        <button type="button" class="button ghost small" data-download-action="delete">
          {t('downloads.cancel')}
        </button>
        <a class="button ghost small" href="/downloads" data-download-manage hidden>
          {t('downloads.manage')}
        </a>
      </div>
      <p class="download-error" role="alert" data-download-error hidden></p>
    </div>
  )
}

/** Where the film page's Download control goes: htmx loads it (src/downloads/pages.tsx), with the script that runs it. */
export function DownloadSlot({ movieId }: { movieId: number }) {
  return (
    <>
      <div class="download-slot" hx-get={`/movies/${movieId}/download`} hx-trigger="load" hx-swap="outerHTML"></div>
      <script src={ASSETS.downloads} defer></script>
    </>
  )
}
