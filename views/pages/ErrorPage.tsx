import type { ApiError } from '../../src/http/errors'
import { Layout, type LayoutProps } from '../Layout'

const HEADINGS: Record<number, string> = {
  400: 'That request did not look right',
  401: 'Please sign in',
  403: 'That action was blocked',
  404: 'Page not found',
  422: 'Some details need fixing',
  429: 'Slow down a moment',
  503: 'The catalog is taking a break',
}

/** A friendly page for any error status; never shows internals, only the request id for support. */
export function ErrorPage({ error, requestId, user, unread }: { error: ApiError; requestId: string } & Pick<LayoutProps, 'user' | 'unread'>) {
  const heading = HEADINGS[error.status] ?? 'Something went wrong'
  return (
    <Layout title={heading} user={user} unread={unread}>
      <section class="error-page" aria-labelledby="error-heading">
        <p class="error-code" aria-hidden="true">
          {error.status}
        </p>
        <p class="visually-hidden">Error {error.status}</p>
        <h1 id="error-heading">{heading}</h1>
        <p class="error-message">{error.message}</p>
        {error.details?.length ? (
          <ul class="error-details">
            {error.details.map((d) => (
              <li>
                {d.path ? `${d.path}: ` : ''}
                {d.message}
              </li>
            ))}
          </ul>
        ) : null}
        <p class="error-actions">
          <a class="button primary" href="/">
            Back to browsing
          </a>
          <a class="button secondary" href="/search">
            Search films
          </a>
        </p>
        <p class="muted small">Reference: {requestId}</p>
      </section>
    </Layout>
  )
}
