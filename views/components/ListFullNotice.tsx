import { useT } from './I18nContext'

/** Beside a My List button whose add was refused: the list already holds its maximum of films. */
export function ListFullNotice({ max }: { max: number }) {
  const t = useT()
  return (
    <p class="list-full-notice" role="alert">
      {t.rich('watchlist.full', { max: t.number(max), link: <a href="/watchlist">{t('nav.myList')}</a> })}
    </p>
  )
}
