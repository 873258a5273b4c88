import { registeredLocales } from '../../src/i18n/locales'
import { useT } from './I18nContext'

/**
 * The language menu: a plain form posting to /language (works without JavaScript). Each language is
 * named in itself and marked with its own `lang` and `dir`, so screen readers pronounce it right. It posts
 * no `next`: the route goes back to the Referer, which is the page on screen even after htmx pushed a URL.
 */
export function LanguageMenu() {
  const t = useT()
  const locales = registeredLocales().filter((locale) => /^[a-z]{2}$/.test(locale.code))
  if (locales.length < 2) return null
  return (
    <form class="language-menu" action="/language" method="post">
      <label for="language-select">{t('languageMenu.label')}</label>
      <select id="language-select" name="language">
        {locales.map((locale) => (
          <option value={locale.code} lang={locale.code} dir={locale.dir} selected={locale.code === t.locale}>
            {locale.name}
          </option>
        ))}
      </select>
      <button type="submit" class="button">
        {t('languageMenu.submit')}
      </button>
    </form>
  )
}
