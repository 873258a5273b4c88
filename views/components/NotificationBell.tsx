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
  return (
    <a
      id="notification-bell"
      class="bell"
      href="/notifications"
      aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
      hx-get="/notifications/bell"
      hx-trigger="every 60s"
      hx-swap="outerHTML"
      {...(oob ? { 'hx-swap-oob': 'true' } : {})}
    >
      <span aria-hidden="true">🔔</span>
      {unread > 0 ? (
        <span class="badge" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </a>
  )
}
