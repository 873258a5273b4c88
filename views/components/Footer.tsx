import { useT } from './I18nContext'
import { LanguageMenu } from './LanguageMenu'
import { RegionMenu } from './RegionMenu'

export interface FooterProps {
  /** Where the films on the page come from: TMDB requires its attribution; the bundled data set is credited. */
  source?: 'tmdb' | 'bundled'
}

export function Footer({ source }: FooterProps) {
  const t = useT()
  return (
    <footer class="site-footer">
      <div class="footer-inner">
        <p class="footer-brand">{t('brand.name').toUpperCase()}</p>
        {source === 'tmdb' ? (
          <p class="attribution">{t('footer.tmdb')}</p>
        ) : null}
        {source === 'bundled' ? (
          <p class="attribution">{t.rich('footer.bundled', { collection: <cite>{t('footer.bundledCollection')}</cite> })}</p>
        ) : null}
        <ul class="footer-links">
          <li>
            <a href="/api/v1/openapi.json">{t('footer.apiDocs')}</a>
          </li>
          <li>
            <a href="/search">{t('footer.search')}</a>
          </li>
          <li>
            <a href="/watchlist">{t('footer.myList')}</a>
          </li>
        </ul>
        <div class="footer-menus">
          <LanguageMenu />
          <RegionMenu />
        </div>
      </div>
    </footer>
  )
}
