import { useT } from './I18nContext'
import { NotificationBell } from './NotificationBell'

export interface AccountMenuProps {
  user?: { display_name: string }
  /** Unread notifications; shown as a badge on the bell when above zero. */
  unread?: number
}

/**
 * Sign in / Sign up when anonymous; otherwise the bell and a disclosure menu
 * (a <details>, so it opens without JavaScript) with My List, Profile and Log out.
 */
export function AccountMenu({ user, unread = 0 }: AccountMenuProps) {
  const t = useT()
  if (!user) {
    return (
      <div class="account">
        <a class="button ghost small" href="/login">
          {t('account.signIn')}
        </a>
        <a class="button primary small" href="/signup">
          {t('account.signUp')}
        </a>
      </div>
    )
  }
  const initial = user.display_name.trim().charAt(0).toUpperCase() || '?'
  return (
    <div class="account">
      <NotificationBell unread={unread} />
      <details class="menu account-menu">
        <summary>
          <span class="avatar" aria-hidden="true">
            {initial}
          </span>
          <span class="account-name"><bdi>{user.display_name}</bdi></span>
          <span class="visually-hidden"> {t('account.menuLabel')}</span>
        </summary>
        <ul class="menu-list">
          <li>
            <a href="/watchlist">{t('account.myList')}</a>
          </li>
          <li>
            <a href="/profile">{t('account.profile')}</a>
          </li>
          <li>
            <a href="/notifications">{t('account.notifications')}</a>
          </li>
          <li>
            <a href="/downloads">{t('account.downloads')}</a>
          </li>
          <li>
            <form method="post" action="/logout">
              <button type="submit" class="menu-button">
                {t('account.logOut')}
              </button>
            </form>
          </li>
        </ul>
      </details>
    </div>
  )
}
