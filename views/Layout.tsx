import type { Child } from 'hono/jsx'

export interface LayoutProps {
  title: string
  children: Child
  /** Shows TMDB's attribution in the footer (whenever TMDB data is on the page). */
  tmdb?: boolean
}

/** The page shell: dark theme, header with search, main landmark, footer. */
export function Layout({ title, children, tmdb }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark" />
        <title>{title === 'Flixpeek' ? title : `${title} · Flixpeek`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <a class="logo" href="/">Flixpeek</a>
          <form class="search" action="/search" method="get" role="search">
            <label class="visually-hidden" for="q">Search films</label>
            <input id="q" name="q" type="search" placeholder="Search films" autocomplete="off" />
          </form>
        </header>
        <main id="main">{children}</main>
        <footer class="site-footer">
          {tmdb ? <p>This product uses the TMDB API but is not endorsed or certified by TMDB.</p> : null}
          <p>
            <a href="/api/v1/openapi.json">API</a>
          </p>
        </footer>
      </body>
    </html>
  )
}
