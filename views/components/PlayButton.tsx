import { formatDuration } from '../format'
import { useT } from './I18nContext'

/**
 * "Play": to the player (/watch/:id), which sends a visitor to the login page first when only members may watch.
 * Where a member stopped part-way (`resumeAt`), "Resume 12:34" instead, and "Start over" beside it.
 */
export function PlayButton({ movieId, title, resumeAt = 0 }: { movieId: number; title: string; resumeAt?: number }) {
  const t = useT()
  const label = resumeAt > 0 ? t('watch.resume', { time: formatDuration(Math.floor(resumeAt)) }) : t('watch.play')
  return (
    <>
      <a class="button primary" href={`/watch/${movieId}`}>
        <span class="icon" aria-hidden="true">
          ▶
        </span>{' '}
        {label}
        <span class="visually-hidden"> {t('watch.playTitle', { title })}</span>
      </a>
      {resumeAt > 0 ? (
        <a class="button secondary" href={`/watch/${movieId}?from=start`}>
          {t('watch.startOver')}
          <span class="visually-hidden"> {t('watch.playTitle', { title })}</span>
        </a>
      ) : null}
    </>
  )
}
