import type { Genre } from '../../src/catalog/types'
import type { StartedPlayback } from '../../src/playback/service'
import { Layout, type LayoutProps } from '../Layout'
import { useT } from '../components/I18nContext'

export interface WatchPageProps extends Omit<LayoutProps, 'title' | 'children'> {
  movie: { id: number; title: string }
  started: StartedPlayback
  genres?: Genre[]
}

/**
 * The player page: a `<video>` with the browser's own controls on the progressive MP4 (what plays with JavaScript
 * off), the master playlist beside it in `data-hls` for the scripted player, and the video's licence and credit.
 */
export function WatchPage({ movie, started, ...layout }: WatchPageProps) {
  const t = useT()
  const { playback } = started
  return (
    <Layout {...layout} title={t('watch.pageTitle', { title: movie.title })}>
      <section class="watch" aria-labelledby="watch-title">
        <div class="player">
          <video
            id="player"
            class="player-video"
            controls
            preload="metadata"
            playsinline
            src={playback.mp4}
            poster={started.poster}
            data-hls={playback.hls}
            data-expires-at={playback.expires_at}
            aria-label={t('watch.player', { title: movie.title })}
          >
            <p>
              {t('watch.fallback')} <a href={playback.mp4}>{t('watch.openFile')}</a>
            </p>
          </video>
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
          <p>
            <a class="button secondary" href={`/movies/${movie.id}`}>
              {t('watch.back', { title: movie.title })}
            </a>
          </p>
        </div>
      </section>
    </Layout>
  )
}
