import type { Context } from 'hono'
import { HtmlEscapedCallbackPhase, resolveCallback } from 'hono/utils/html'
import { CardBytes, CardBytesContext } from '../../views/card-memo'
import type { Child } from 'hono/jsx'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { I18nContext } from '../../views/components/I18nContext'
import { ListedContext, WatchedContext } from '../../views/components/ListedContext'
import { PageContext, type Viewer } from '../../views/components/PageContext'
import type { AppEnv } from '../context'
import { translatorFor } from '../i18n/middleware'
import { regionOf } from './region'
import { FIXED_REGIONS } from '../where-to-watch/providers'

/** No watched films: a visitor's, or a page that did not read them. */
const NONE_WATCHED: ReadonlySet<number> = new Set()

export interface RenderOptions {
  status?: ContentfulStatusCode
  headers?: Record<string, string>
  /** The page shows films from the catalog: the footer then names the source (TMDB's attribution). */
  films?: boolean
}

/** The viewer as middleware left them on the context: who, their unread count, and (for film pages) the catalog's source. */
function viewerOf(c: Context<AppEnv>, films: boolean): Viewer {
  const user = c.get('user')
  return {
    ...(user ? { user: { display_name: user.display_name } } : {}),
    ...(c.get('unread') !== undefined ? { unread: c.get('unread') } : {}),
    ...(films ? { source: c.get('services').catalog.source } : {}),
    region: regionOf(c).region,
    regions: FIXED_REGIONS,
  }
}

/**
 * The one page renderer: a full page or an htmx fragment, with the viewer's translator, the viewer (account menu, bell,
 * attribution) and the ids on their list (cards' My List state) provided once, so no route passes
 * layout props or wraps list state by hand.
 */
export async function render(c: Context<AppEnv>, node: Child, options: RenderOptions = {}): Promise<Response> {
  // The unread count was started beside the route's reads (src/notifications/middleware.ts).
  const pending = c.get('unreadPending')
  if (pending && c.get('unread') === undefined) {
    const unread = await pending
    if (unread !== undefined) c.set('unread', unread)
  }
  const listed = c.get('listed')
  const cardBytes = new CardBytes()
  const page = (
    <I18nContext.Provider value={translatorFor(c)}>
      <PageContext.Provider value={viewerOf(c, options.films ?? false)}>
        <ListedContext.Provider value={listed ?? null}>
          <WatchedContext.Provider value={c.get('watched') ?? NONE_WATCHED}>
            <CardBytesContext.Provider value={cardBytes}>{node}</CardBytesContext.Provider>
          </WatchedContext.Provider>
        </ListedContext.Provider>
      </PageContext.Provider>
    </I18nContext.Provider>
  )
  const html = await resolveCallback(page, HtmlEscapedCallbackPhase.Stringify, false, {})
  // The cards go in as the bytes they were last time (views/card-memo.ts); c.html would encode the whole page again.
  return c.body(cardBytes.bytesOf(html) as Uint8Array<ArrayBuffer>, options.status ?? 200, { 'Content-Type': 'text/html; charset=UTF-8', ...options.headers })
}
