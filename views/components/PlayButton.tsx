import { useT } from './I18nContext'

/** "Play": to the player (/watch/:id), which sends a visitor to the login page first when only members may watch. */
export function PlayButton({ movieId, title }: { movieId: number; title: string }) {
  const t = useT()
  return (
    <a class="button primary" href={`/watch/${movieId}`}>
      <span class="icon" aria-hidden="true">
        ▶
      </span>{' '}
      {t('watch.play')}
      <span class="visually-hidden"> {t('watch.playTitle', { title })}</span>
    </a>
  )
}
