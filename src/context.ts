import type { Profile } from './accounts/types'
import type { Config } from './config'
import type { Translator } from './i18n/translator'
import type { Platform } from './platform'
import type { Services } from './services'

export interface SessionUser {
  id: string
  email: string
  display_name: string
  language: string
  /** How the request authenticated: bearer requests are exempt from CSRF checks. */
  via: 'cookie' | 'bearer'
  /** The profile item, read (strongly consistent) to authenticate this request: handlers use it rather than read it again. */
  profile: Profile
}

/** Hono's environment for this app: the runtime's platform (src/platform.ts) plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: { platform: Platform }
  Variables: {
    requestId: string
    config: Config
    services: Services
    /** The signed-in user, when the request carries a valid session cookie or bearer token. */
    user?: SessionUser
    /** Unread notifications of the signed-in user, on full page loads (src/notifications/middleware.ts). */
    unread?: number
    /** The unread count while it is being read, beside the route's own reads (src/notifications/middleware.ts); the renderer awaits it. */
    unreadPending?: Promise<number | undefined>
    /** Ids on the viewer's list, for cards on browsing pages (src/watchlist/middleware.ts); empty when anonymous. */
    listed?: ReadonlySet<number>
    /** Ids of the films the viewer watched to the end (src/watchlist/middleware.ts, from src/progress/): the cards' "Watched" marks. */
    watched?: ReadonlySet<number>
    /** The response's language, a registered locale code (src/i18n/middleware.ts). */
    locale: string
    /** Translates catalogue keys and formats numbers and dates in `locale`. */
    t: Translator
  }
}
