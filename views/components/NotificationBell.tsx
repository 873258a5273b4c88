import { useT } from './I18nContext'

export interface NotificationBellProps {
  unread: number
  /** Sent in another fragment's response to refresh the header's bell too (htmx out-of-band swap). */
  oob?: boolean
}

/**
 * The header's bell with the unread count. htmx re-fetches it once a minute
 * (a small fragment, swapped in place); without JavaScript it is a plain link.
 */
export function NotificationBell({ unread, oob }: NotificationBellProps) {
  const t = useT()
  return (
    <a
      id="notification-bell"
      class="bell"
      href="/notifications"
      aria-label={unread > 0 ? t('bell.labelUnread', { count: unread }) : t('bell.label')}
      hx-get="/notifications/bell"
      hx-trigger="every 60s"
      hx-swap="outerHTML"
      {...(oob ? { 'hx-swap-oob': 'true' } : {})}
    >
      {/* An SVG, not an emoji: not every device has an emoji font (Chromium on Linux shows a box). */}
      <svg class="bell-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.07-1.64-5.64-4.5-6.32V4a1.5 1.5 0 0 0-3 0v.68C7.63 5.36 6 7.92 6 11v5l-2 2v1h16v-1l-2-2z"
        />
      </svg>
      {unread > 0 ? (
        <span class="badge" aria-hidden="true">
          {unread > 99 ? `${t.number(99)}+` : t.number(unread)}
        </span>
      ) : null}
    </a>
  )
}
