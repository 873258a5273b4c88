import type { ErrorBody } from '../../src/http/errors'
import type { MessageKey } from '../../src/i18n/catalogue'
import { fieldLabelKey } from '../../src/i18n/message-ref'
import { Layout, type LayoutProps } from '../Layout'
import { useT } from '../components/I18nContext'

const HEADINGS: Record<number, MessageKey> = {
  400: 'error.heading.400',
  401: 'error.heading.401',
  403: 'error.heading.403',
  404: 'error.heading.404',
  422: 'error.heading.422',
  429: 'error.heading.429',
  503: 'error.heading.503',
}

/** A friendly page for any error status; never shows internals, only the request id for support. */
export function ErrorPage({ status, body, user, unread }: { status: number; body: ErrorBody } & Pick<LayoutProps, 'user' | 'unread'>) {
  const t = useT()
  const { message, details, request_id: requestId } = body.error
  const heading = t(HEADINGS[status] ?? 'error.heading.other')
  return (
    <Layout title={heading} user={user} unread={unread}>
      <section class="error-page" aria-labelledby="error-heading">
        <p class="error-code" aria-hidden="true">
          {status}
        </p>
        <p class="visually-hidden">{t('error.status', { status: String(status) })}</p>
        <h1 id="error-heading">{heading}</h1>
        <p class="error-message">{message}</p>
        {details?.length ? (
          <ul class="error-details">
            {details.map((d) => {
              // A field the catalogue names reads as a sentence ("Page must be …"); another keeps its path, as the API names it.
              const label = fieldLabelKey(d.path)
              if (label) return <li>{t('validation.fieldSentence', { label: t(label), message: d.message })}</li>
              return <li>{d.path ? t('error.detail', { field: d.path, message: d.message }) : d.message}</li>
            })}
          </ul>
        ) : null}
        <p class="error-actions">
          <a class="button primary" href="/">
            {t('error.back')}
          </a>
          <a class="button secondary" href="/search">
            {t('error.search')}
          </a>
        </p>
        <p class="muted small">{t('error.reference', { id: requestId })}</p>
      </section>
    </Layout>
  )
}
