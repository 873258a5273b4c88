import { useT } from './I18nContext'

/**
 * Under a Continue watching card: how much is watched (a labelled <progress>), and "Remove from row", a plain form
 * (POST, 303 back home without JavaScript) that htmx posts in place, taking the card away.
 */
export function WatchingProgress({ movieId, title, fraction }: { movieId: number; title: string; fraction: number }) {
  const t = useT()
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100)
  const action = `/continue-watching/${movieId}/remove`
  return (
    <div class="watching">
      <progress class="watching-bar" max="100" value={String(percent)} aria-label={t('progress.watched', { percent, title })}></progress>
      <form class="watching-remove" method="post" action={action} hx-post={action} hx-target="closest li" hx-swap="outerHTML">
        <button type="submit" class="button secondary compact">
          {t('progress.remove')}
          <span class="visually-hidden"> {t('watch.playTitle', { title })}</span>
        </button>
      </form>
    </div>
  )
}
