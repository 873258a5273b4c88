import { Layout, type LayoutProps } from '../Layout'
import { Field, FormNotice, NewPasswordField, type FieldErrors } from '../components/FormField'
import { useT } from '../components/I18nContext'

type Shell = Pick<LayoutProps, 'user' | 'unread'>

/** /forgot: the address to send a reset link to; after posting, the same notice for every address. */
export function ForgotPage({ email, sent, errors = {}, ...shell }: Shell & { email?: string; sent?: boolean; errors?: FieldErrors }) {
  const t = useT()
  return (
    <Layout title={t('email.forgot.title')} {...shell}>
      <section class="auth-page" aria-labelledby="auth-heading">
        <h1 id="auth-heading">{t('email.forgot.title')}</h1>
        {sent ? <FormNotice kind="success">{t('email.forgot.sent')}</FormNotice> : <p class="auth-lead">{t('email.forgot.lead')}</p>}
        <form class="auth-form" method="post" action="/forgot" novalidate>
          <Field name="email" label={t('auth.email')} type="email" value={email} error={errors.email} autocomplete="email" required />
          <button class="button primary wide" type="submit">
            {t('email.forgot.submit')}
          </button>
        </form>
      </section>
    </Layout>
  )
}

/** /reset?token=: a new password (the token rides in a hidden field); an unusable link says so and offers a new one. */
export function ResetPage({ token, invalid, errors = {}, ...shell }: Shell & { token: string; invalid?: boolean; errors?: FieldErrors }) {
  const t = useT()
  return (
    <Layout title={t('email.reset.title')} {...shell}>
      <section class="auth-page" aria-labelledby="auth-heading">
        <h1 id="auth-heading">{t('email.reset.title')}</h1>
        {invalid ? (
          <>
            <FormNotice kind="error">{t('email.token.invalid')}</FormNotice>
            <p class="auth-switch">
              <a href="/forgot">{t('email.token.askAgain')}</a>
            </p>
          </>
        ) : (
          <form class="auth-form" method="post" action="/reset" novalidate>
            <input type="hidden" name="token" value={token} />
            <NewPasswordField label={t('email.reset.newPassword')} hint={t('auth.signUp.passwordHint')} error={errors.password} />
            <button class="button primary wide" type="submit">
              {t('email.reset.submit')}
            </button>
          </form>
        )}
      </section>
    </Layout>
  )
}

/** A one-message page: the outcome of a verification link, or of an unsubscribe. */
export function EmailNoticePage({ title, text, kind, action, ...shell }: Shell & { title: string; text: string; kind: 'success' | 'error'; action?: { href: string; label: string } }) {
  return (
    <Layout title={title} {...shell}>
      <section class="auth-page" aria-labelledby="auth-heading">
        <h1 id="auth-heading">{title}</h1>
        <FormNotice kind={kind}>{text}</FormNotice>
        {action ? (
          <p class="auth-switch">
            <a href={action.href}>{action.label}</a>
          </p>
        ) : null}
      </section>
    </Layout>
  )
}

/** /unsubscribe (GET): one button, so link scanners that open every URL unsubscribe nobody. */
export function UnsubscribePage({ action, ...shell }: Shell & { action: string }) {
  const t = useT()
  return (
    <Layout title={t('email.unsubscribe.title')} {...shell}>
      <section class="auth-page" aria-labelledby="auth-heading">
        <h1 id="auth-heading">{t('email.unsubscribe.title')}</h1>
        <p class="auth-lead">{t('email.unsubscribe.confirm')}</p>
        <form class="auth-form" method="post" action={action}>
          <button class="button primary wide" type="submit">
            {t('email.unsubscribe.submit')}
          </button>
        </form>
      </section>
    </Layout>
  )
}
