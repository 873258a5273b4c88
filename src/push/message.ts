import { localeInfo } from '../i18n/locales'

/**
 * What a push message says: the in-app notification rendered in the reader's language, where a
 * click leads (the film's page, else the notifications page) and the film's poster. public/sw-push.js
 * shows exactly these fields; nothing here is sent to the push service in clear.
 */
export interface PushMessage {
  /** The notification's type (welcome, release, recommendation, security). */
  type: string
  title: string
  body: string
  /** Absolute: the notification click opens it. */
  url: string
  /** The film's poster (absolute), shown as the notification's icon and image; null without one. */
  poster: string | null
  /** The notification's id: a second message about the same notification replaces the first on screen. */
  tag: string
  lang: string
  dir: 'ltr' | 'rtl'
}

export interface RenderedNotification {
  id: string
  type: string
  title: string
  body: string
  movie_id: number | null
}

/** Push services accept ~4 KB per message; a long body is cut (the title and links always fit). */
const MAX_BODY_CHARS = 600

export function composeMessage(
  notification: RenderedNotification,
  context: { base: string; language: string; poster: string | null | undefined },
): PushMessage {
  const base = context.base.replace(/\/+$/, '')
  const body = notification.body.length > MAX_BODY_CHARS ? `${notification.body.slice(0, MAX_BODY_CHARS - 1)}…` : notification.body
  return {
    type: notification.type,
    title: notification.title,
    body,
    url: notification.movie_id ? `${base}/movies/${notification.movie_id}` : `${base}/notifications`,
    // Bundled films' generated posters are site-relative when no request origin is known (a cron run).
    poster: context.poster ? new URL(context.poster, `${base}/`).href : null,
    tag: notification.id,
    lang: context.language,
    dir: localeInfo(context.language).dir,
  }
}
