import { Layout, type LayoutProps } from '../Layout'
import { Field, FormNotice, NewPasswordField, type FieldErrors } from '../components/FormField'
import { useT } from '../components/I18nContext'

type Shell = Pick<LayoutProps, 'user' | 'unread'>

export interface LoginPageProps extends Shell {
  next: string
  email?: string
  errors?: FieldErrors
  /** A form-level problem: wrong credentials, too many attempts. */
  notice?: string
}

const nextQuery = (next: string) => (next === '/' ? '' : `?next=${encodeURIComponent(next)}`)

export function LoginPage({ next, email, errors = {}, notice, ...shell }: LoginPageProps) {
  const t = useT()
  return (
    <Layout title={t('auth.signIn.title')} {...shell}>
      <section class="auth-page" aria-labelledby="auth-heading">
        <h1 id="auth-heading">{t('auth.signIn.title')}</h1>
        {/* Sent here from a page or action that needs an account: say why, not just show a bare form. */}
        {next !== '/' && !notice ? <p class="auth-lead">{t('auth.signIn.lead')}</p> : null}
        {notice ? <FormNotice kind="error">{notice}</FormNotice> : null}
        <form class="auth-form" method="post" action={`/login${nextQuery(next)}`} novalidate>
          <input type="hidden" name="next" value={next} />
          <Field name="email" label={t('auth.email')} type="email" value={email} error={errors.email} autocomplete="email" required />
          <Field name="password" label={t('auth.password')} type="password" error={errors.password} autocomplete="current-password" required />
          <button class="button primary wide" type="submit">
            {t('auth.signIn.submit')}
          </button>
        </form>
        <p class="auth-switch">
          <a href="/forgot">{t('email.forgot.link')}</a>
        </p>
        <p class="auth-switch">
          {t.rich('auth.signIn.newHere', { link: <a href={`/signup${nextQuery(next)}`}>{t('auth.signIn.createLink')}</a> })}
        </p>
      </section>
    </Layout>
  )
}

export interface SignupPageProps extends Shell {
  next: string
  values?: { email?: string; display_name?: string; language?: string }
  errors?: FieldErrors
  notice?: string
  /** The languages a user can choose: code → name in that language. */
  languages: Record<string, string>
}

export function SignupPage({ next, values = {}, errors = {}, notice, languages, ...shell }: SignupPageProps) {
  const t = useT()
  return (
    <Layout title={t('auth.signUp.title')} {...shell}>
      <section class="auth-page" aria-labelledby="auth-heading">
        <h1 id="auth-heading">{t('auth.signUp.title')}</h1>
        {notice ? <FormNotice kind="error">{notice}</FormNotice> : null}
        <form class="auth-form" method="post" action={`/signup${nextQuery(next)}`} novalidate>
          <input type="hidden" name="next" value={next} />
          <Field name="email" label={t('auth.email')} type="email" value={values.email} error={errors.email} autocomplete="email" required />
          <NewPasswordField label={t('auth.password')} hint={t('auth.signUp.passwordHint')} error={errors.password} />
          <Field
            name="display_name"
            label={t('auth.signUp.displayName')}
            value={values.display_name}
            error={errors.display_name}
            hint={t('auth.signUp.displayNameHint')}
            autocomplete="nickname"
            maxlength={50}
          />
          <LanguageSelect value={values.language ?? t.locale} error={errors.language} languages={languages} />
          <button class="button primary wide" type="submit">
            {t('auth.signUp.submit')}
          </button>
        </form>
        <p class="auth-switch">
          {t.rich('auth.signUp.haveAccount', { link: <a href={`/login${nextQuery(next)}`}>{t('auth.signUp.signInLink')}</a> })}
        </p>
      </section>
    </Layout>
  )
}

/** The language picker; `languages` maps each code to its name in that language. */
export function LanguageSelect({ value, error, languages }: { value: string; error?: string | undefined; languages: Record<string, string> }) {
  const t = useT()
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for="field-language">{t('auth.language')}</label>
      <select id="field-language" name="language" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'field-language-error' : undefined}>
        {Object.entries(languages).map(([code, name]) => (
          <option value={code} lang={code} selected={code === value}>
            {name}
          </option>
        ))}
      </select>
      {error ? (
        <p class="field-error" id="field-language-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}
