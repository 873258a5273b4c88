import type { Notification } from '../../src/notifications/store'
import { Layout, type LayoutProps } from '../Layout'
import type { Translator } from '../../src/i18n/translator'
import { NotificationBell } from '../components/NotificationBell'
import { useT } from '../components/I18nContext'

export interface NotificationListProps {
  notifications: Notification[]
  unread: number
  page: number
  /** The next (older) page's URL, when there may be one. */
  olderHref?: string
}

const KIND = {
  welcome: 'notifications.kind.welcome',
  release: 'notifications.kind.release',
  recommendation: 'notifications.kind.recommendation',
  security: 'notifications.kind.security',
} as const satisfies Record<Notification['type'], string>

function when(t: Translator, iso: string): string {
  const formatted = t.dateTime(iso)
  return formatted === null ? iso : t('notifications.when', { when: formatted })
}

/** One notification; its "Mark as read" form swaps just this item with htmx, or reloads the page without it. */
export function NotificationItem({ notification: n }: { notification: Notification }) {
  const t = useT()
  const title = n.movie_id !== null ? <a href={`/movies/${n.movie_id}`}>{n.title}</a> : n.title
  return (
    <li id={`notification-${n.id}`} class={n.read ? 'notification is-read' : 'notification is-unread'}>
      <p class="notification-kind">
        {t(KIND[n.type])}
        {n.read ? null : <span class="visually-hidden"> {t('notifications.unreadMark')}</span>}
      </p>
      <h2 class="notification-title">{title}</h2>
      <p class="notification-body">{n.body}</p>
      <p class="notification-meta">
        <time datetime={n.created_at}>{when(t, n.created_at)}</time>
      </p>
      {n.read ? null : (
        <form
          method="post"
          action={`/notifications/${n.id}/read`}
          hx-post={`/notifications/${n.id}/read`}
          hx-target={`#notification-${n.id}`}
          hx-swap="outerHTML"
        >
          <button type="submit" class="button secondary small">
            {t('notifications.markRead')}
          </button>
        </form>
      )}
    </li>
  )
}

/** The unread count and "Mark all as read"; sent out of band when one item is marked, so the count never goes stale. */
export function NotificationsToolbar({ unread, oob }: { unread: number; oob?: boolean }) {
  const t = useT()
  return (
    <div id="notifications-toolbar" class="notifications-toolbar" {...(oob ? { 'hx-swap-oob': 'true' } : {})}>
      <p class="page-subtitle">{unread === 0 ? t('notifications.caughtUp') : t('notifications.unreadCount', { count: unread })}</p>
      {unread > 0 ? (
        <form method="post" action="/notifications/read-all" hx-post="/notifications/read-all" hx-target="#notifications" hx-swap="outerHTML">
          <button type="submit" class="button small">
            {t('notifications.markAllRead')}
          </button>
        </form>
      ) : null}
    </div>
  )
}

/** The list and its "Mark all as read" form: what htmx swaps after marking everything read. */
export function NotificationList({ notifications, unread, page, olderHref }: NotificationListProps) {
  const t = useT()
  return (
    <div id="notifications" class="notifications">
      <NotificationsToolbar unread={unread} />
      {notifications.length === 0 ? (
        <p class="empty-state">{page === 1 ? t('notifications.empty') : t('notifications.noOlder')}</p>
      ) : (
        <ol class="notification-list">
          {notifications.map((n) => (
            <NotificationItem notification={n} />
          ))}
        </ol>
      )}
      {olderHref ? (
        <p class="pager">
          <a href={olderHref}>{t('notifications.older')}</a>
        </p>
      ) : null}
    </div>
  )
}

/** htmx fragments also refresh the header's bell out of band. */
export function NotificationItemFragment({ notification, unread }: { notification: Notification; unread: number }) {
  return (
    <>
      <NotificationItem notification={notification} />
      <NotificationsToolbar unread={unread} oob />
      <NotificationBell unread={unread} oob />
    </>
  )
}

export function NotificationListFragment(props: NotificationListProps) {
  return (
    <>
      <NotificationList {...props} />
      <NotificationBell unread={props.unread} oob />
    </>
  )
}

export function NotificationsPage(props: NotificationListProps & Omit<LayoutProps, 'title' | 'children'>) {
  const { notifications, unread, page, olderHref, ...layout } = props
  const t = useT()
  return (
    <Layout {...layout} title={t('notifications.title')} unread={unread}>
      <section class="page notifications-page" aria-labelledby="notifications-heading">
        <h1 id="notifications-heading" class="page-title">
          {t('notifications.title')}
        </h1>
        <NotificationList notifications={notifications} unread={unread} page={page} olderHref={olderHref} />
      </section>
    </Layout>
  )
}
