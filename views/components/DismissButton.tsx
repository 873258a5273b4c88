import { useT } from './I18nContext'

export interface DismissButtonProps {
  movieId: number
  title: string
  /** Already "not interested": the form undoes it. */
  dismissed?: boolean
  /** On a card of a personal row: htmx swaps the whole card for the "undo" notice. */
  card?: boolean
}

/**
 * "Not interested" and its undo: a plain form (POST, answered with 303 back to the page without
 * JavaScript); htmx posts it in place. The server checks the request's origin (CSRF).
 */
export function DismissButton({ movieId, title, dismissed = false, card = false }: DismissButtonProps) {
  const t = useT()
  const action = dismissed ? `/movies/${movieId}/undismiss` : `/movies/${movieId}/dismiss`
  return (
    <form class={card ? 'dismiss-form compact' : 'dismiss-form'} method="post" action={action} hx-post={action} hx-swap="outerHTML" hx-target={card ? 'closest li' : undefined}>
      {card ? <input type="hidden" name="from" value="card" /> : null}
      <button type="submit" class="button secondary dismiss-toggle" aria-pressed={dismissed ? 'true' : 'false'} aria-label={dismissed ? t('recs.undismissLabel', { title }) : t('recs.dismissLabel', { title })}>
        {dismissed ? t('recs.undismiss') : t('recs.dismiss')}
      </button>
    </form>
  )
}
