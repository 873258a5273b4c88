import { useT } from './I18nContext'

/** Seconds as the player shows them: 12:34, or 1:02:03 past an hour. */
export function clockTime(seconds: number): string {
  const whole = Math.floor(seconds)
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60]
  const two = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`
}

/**
 * "Play": to the player (/watch/:id), which sends a visitor to the login page first when only members may watch.
 * Where a member stopped part-way (`resumeAt`), "Resume 12:34" instead, and "Start over" beside it.
 */
export function PlayButton({ movieId, title, resumeAt = 0 }: { movieId: number; title: string; resumeAt?: number }) {
  const t = useT()
  const label = resumeAt > 0 ? t('watch.resume', { time: clockTime(resumeAt) }) : t('watch.play')
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
