import type { Genre } from '../../src/catalog/types'
import { AccountMenu, type AccountMenuProps } from './AccountMenu'
import { useT } from './I18nContext'

export interface HeaderProps extends AccountMenuProps {
  genres?: Genre[]
  /** The current search, shown in the box on the search page. */
  query?: string
}

/**
 * Logo, navigation (genres in a <details> menu that works without JavaScript),
 * the live search box and the account menu. The search box swaps results into
 * <main> as you type and pushes the URL; without JavaScript it is a GET form.
 */
export function Header({ genres = [], query = '', user, unread }: HeaderProps) {
  const t = useT()
  return (
    <header class="site-header">
      <div class="header-inner">
        <a class="logo" href="/" aria-label={t('header.homeLabel')}>
          {t('brand.name').toUpperCase()}
        </a>
        <nav class="main-nav" aria-label={t('nav.label')}>
          <ul class="nav-list">
            <li>
              <a href="/">{t('nav.home')}</a>
            </li>
            {genres.length ? (
              <li>
                <details class="menu genre-menu">
                  <summary>{t('nav.genres')}</summary>
                  <ul class="menu-list genre-list">
                    {genres.map((g) => (
                      <li>
                        <a href={`/genres/${g.id}`}>{g.name}</a>
                      </li>
                    ))}
                  </ul>
                </details>
              </li>
            ) : null}
            <li>
              <a href="/watchlist">{t('nav.myList')}</a>
            </li>
          </ul>
        </nav>
        <form
          class="search"
          action="/search"
          method="get"
          role="search"
          hx-get="/search"
          hx-target="#main"
          hx-push-url="true"
          hx-indicator="#progress"
        >
          <label class="visually-hidden" for="q">
            {t('search.label')}
          </label>
          <span class="search-icon" aria-hidden="true" />
          <input
            id="q"
            name="q"
            type="search"
            value={query}
            placeholder={t('search.placeholder')}
            autocomplete="off"
            maxlength={200}
            enterkeyhint="search"
            hx-get="/search"
            hx-trigger="input changed delay:300ms, search"
            hx-target="#main"
            hx-push-url="true"
            hx-indicator="#progress"
            hx-sync="closest form:replace"
          />
          <button type="submit" class="search-submit">
            {t('search.submit')}
          </button>
        </form>
        <AccountMenu user={user} unread={unread} />
      </div>
      <div id="progress" class="progress htmx-indicator" aria-hidden="true"></div>
    </header>
  )
}
