export interface FooterProps {
  /** Where the films on the page come from: TMDB requires its attribution; the bundled data set is credited. */
  source?: 'tmdb' | 'bundled'
}

export function Footer({ source }: FooterProps) {
  return (
    <footer class="site-footer">
      <div class="footer-inner">
        <p class="footer-brand">FLIXPEEK</p>
        {source === 'tmdb' ? (
          <p class="attribution">This product uses the TMDB API but is not endorsed or certified by TMDB.</p>
        ) : null}
        {source === 'bundled' ? (
          <p class="attribution">
            Film data from the vega-datasets <cite>movies</cite> collection, with IMDb and Rotten Tomatoes ratings. Posters are
            generated.
          </p>
        ) : null}
        <ul class="footer-links">
          <li>
            <a href="/api/v1/openapi.json">API docs (OpenAPI)</a>
          </li>
          <li>
            <a href="/search">Search</a>
          </li>
          <li>
            <a href="/watchlist">My List</a>
          </li>
        </ul>
      </div>
    </footer>
  )
}
