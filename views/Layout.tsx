import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { Genre } from '../src/catalog/types'
import { ASSETS, ICONS } from './assets'
import { Footer } from './components/Footer'
import { Header } from './components/Header'
import { OfflineBanner } from './components/OfflineControls'
import { useT } from './components/I18nContext'
import { useViewer } from './components/PageContext'

export interface LayoutProps {
  title: string
  children: Child
  /** Shows TMDB's attribution in the footer (whenever TMDB data is on the page). Same as source="tmdb". */
  tmdb?: boolean
  /** Which catalog the page's films come from; decides the footer's attribution. */
  source?: 'tmdb' | 'bundled'
  /** The signed-in user, for the account menu; defaults to the page renderer's viewer. */
  user?: { display_name: string }
  /** Unread notifications, for the bell; defaults to the page renderer's viewer. */
  unread?: number
  /** Genres for the navigation menu. */
  genres?: Genre[]
  /** The current search text (search page). */
  query?: string
  description?: string
}

/**
 * htmx settings: no inline indicator styles (CSP style-src 'self'), no eval (CSP script-src 'self'), and no `style`
 * among the attributes a swap settles: htmx would write `style=""` onto every element kept by id (the CSP refuses
 * style attributes; seen on the subtitle file input of a ready video when upload.js reloads the library list).
 */
const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false, attributesToSettle: ['class', 'width', 'height'] })

/** Props a page passes explicitly win over the renderer's viewer. */
const definedOnly = <T extends object>(props: T) => Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as Partial<T>

/** The page shell: dark theme, header with search and account menu, main landmark, footer. */
export function Layout({ title, children, tmdb, genres, query, description, ...given }: LayoutProps) {
  const viewer = { ...useViewer(), ...definedOnly(given) }
  const { user, unread, source } = viewer
  // The request's translator: src/i18n/middleware.ts renders every page inside its context.
  const t = useT()
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={t.locale} dir={t.dir}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="dark" />
          <meta name="theme-color" content="#141414" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <meta name="description" content={description ?? t('meta.default')} />
          <title>{title === t('brand.name') ? title : t('layout.title', { title })}</title>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <link rel="manifest" href="/manifest.webmanifest" />
          <link rel="apple-touch-icon" href={ICONS.appleTouch} />
          <link rel="stylesheet" href={ASSETS.css} />
          <script src={ASSETS.htmx} defer></script>
          <script src={ASSETS.js} defer></script>
          <script src={ASSETS.offline} defer></script>
        </head>
        <body>
          <a class="skip-link" href="#main">
            {t('layout.skipToContent')}
          </a>
          <OfflineBanner />
          <Header genres={genres} query={query} user={user} unread={unread} />
          <main id="main" tabindex={-1}>
            {children}
          </main>
          <p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
          <Footer source={tmdb ? 'tmdb' : source} />
        </body>
      </html>
    </>
  )
}
