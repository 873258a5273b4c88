import type { Genre } from '../../src/catalog/types'
import type { StartedPlayback } from '../../src/playback/service'
import { ASSETS } from '../assets'
import { Layout, type LayoutProps } from '../Layout'
import { useT } from '../components/I18nContext'
import { DownloadControl, type DownloadQualityView } from '../components/DownloadControl'

export interface WatchPageProps extends Omit<LayoutProps, 'title' | 'children'> {
  movie: { id: number; title: string }
  started: StartedPlayback
  /** Where to start (the member's resume point, 0 to start over). */
  startAt: number
  /** A member's player reports where they are (public/assets/watch-progress.js); a visitor's does not. */
  member: boolean
  genres?: Genre[]
  /** The qualities a member may download (views/components/DownloadControl.tsx); absent: no Download control. */
  downloads?: readonly DownloadQualityView[] | undefined
}

/** Playback speeds offered (1 is the default). */
const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2]

/**
 * The player page: a `<video>` with the browser's own controls on the progressive MP4 (what plays with JavaScript
 * off), the master playlist beside it in `data-hls` for the scripted player (public/assets/player.js: hls.js, the
 * settings below, keys, a fresh token before this one expires), and the video's licence and credit.
 */
export function WatchPage({ movie, started, startAt, member, downloads, ...layout }: WatchPageProps) {
  const t = useT()
  const { playback } = started
  // Without JavaScript the MP4's media fragment starts it there; the player hands the same point to hls.js.
  const from = startAt > 0 ? startAt.toFixed(1) : undefined
  return (
    <Layout {...layout} title={t('watch.pageTitle', { title: movie.title })}>
      <section class="watch" aria-labelledby="watch-title" data-movie={String(movie.id)}>
        <div class="player">
          <video
            id="player"
            class="player-video"
            controls
            preload="metadata"
            playsinline
            src={from ? `${playback.mp4}#t=${from}` : playback.mp4}
            poster={started.poster}
            data-hls={playback.hls}
            data-expires-at={playback.expires_at}
            data-resume-at={from}
            data-progress={member ? `/api/v1/me/progress/${movie.id}` : undefined}
            data-video-id={member ? started.videoId : undefined}
            aria-label={t('watch.player', { title: movie.title })}
            aria-keyshortcuts="Space K J L ArrowLeft ArrowRight F M C"
          >
            <p>
              {t('watch.fallback')} <a href={playback.mp4}>{t('watch.openFile')}</a>
            </p>
          </video>
          <div class="player-bar" role="group" aria-label={t('watch.controls')} hidden data-player-bar>
            <div class="player-thumb" hidden data-thumb></div>
            <input type="range" class="player-seek" dir="ltr" min="0" max="0" step="any" value="0" aria-label={t('watch.seek')} data-control="seek" />
            <div class="player-buttons">
              <button type="button" class="player-button" data-action="play" data-label-play={t('watch.play')} data-label-pause={t('watch.pause')} aria-label={t('watch.play')}>
                <span aria-hidden="true">▶</span>
              </button>
              <button type="button" class="player-button" data-action="back" aria-label={t('watch.back10')}>
                <span aria-hidden="true" dir="ltr">−10</span>
              </button>
              <button type="button" class="player-button" data-action="forward" aria-label={t('watch.forward10')}>
                <span aria-hidden="true" dir="ltr">+10</span>
              </button>
              <span class="player-time" dir="ltr" data-time>
                0:00 / 0:00
              </span>
              <button type="button" class="player-button" data-action="mute" data-label-mute={t('watch.mute')} data-label-unmute={t('watch.unmute')} aria-label={t('watch.mute')}>
                <span aria-hidden="true">🔊</span>
              </button>
              <input type="range" class="player-volume" min="0" max="1" step="0.05" value="1" aria-label={t('watch.volume')} data-control="volume" />
              <button type="button" class="player-button" data-action="pip" aria-label={t('watch.pip')}>
                <span aria-hidden="true">⧉</span>
              </button>
              <button type="button" class="player-button" data-action="fullscreen" aria-label={t('watch.fullscreen')}>
                <span aria-hidden="true">⛶</span>
              </button>
            </div>
          </div>
        </div>
        <div class="player-error" role="alert" hidden data-player-error>
          <p data-error="network">{t('watch.errorNetwork')}</p>
          <p data-error="media">{t('watch.errorMedia')}</p>
          <p data-error="expired">{t('downloads.expired')}</p>
          <button type="button" class="button primary" data-retry>
            {t('watch.retry')}
          </button>
        </div>
        <div class="player-settings" hidden data-player-settings>
          <label>
            {t('watch.audio')} <select data-control="audio"></select>
          </label>
          <label>
            {t('watch.subtitles')}{' '}
            <select data-control="subtitles">
              <option value="-1">{t('watch.subtitlesOff')}</option>
            </select>
          </label>
          <label>
            {t('watch.quality')}{' '}
            <select data-control="quality">
              <option value="-1">{t('watch.qualityAuto')}</option>
            </select>
          </label>
          <label>
            {t('watch.speed')}{' '}
            <select data-control="speed">
              {SPEEDS.map((speed) => (
                <option value={String(speed)} selected={speed === 1}>
                  {`${speed}×`}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="watch-info">
          <h1 id="watch-title" class="watch-title">
            <bdi>{movie.title}</bdi>
          </h1>
          <p class="watch-rights muted">
            <span dir="auto">{t('watch.license', { license: started.license })}</span>
            {started.credit ? (
              <>
                {' · '}
                <span dir="auto">{t('watch.credit', { credit: started.credit })}</span>
              </>
            ) : null}
          </p>
          <p class="watch-actions">
            <a class="button secondary" href={`/movies/${movie.id}`}>
              {t('watch.back', { title: movie.title })}
            </a>
          </p>
          {downloads?.length ? <DownloadControl movieId={movie.id} title={movie.title} qualities={downloads} /> : null}
        </div>
      </section>
      <script src={ASSETS.hls} defer></script>
      <script src={ASSETS.player} defer></script>
      {member ? <script src={ASSETS.progress} defer></script> : null}
      {downloads?.length ? <script src={ASSETS.downloads} defer></script> : null}
    </Layout>
  )
}
