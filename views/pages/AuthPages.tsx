import { Layout, type LayoutProps } from '../Layout'
import { Field, FormNotice, type FieldErrors } from '../components/FormField'

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
  return (
    <Layout title="Sign in" {...shell}>
      <section class="auth-page" aria-labelledby="auth-heading">
        <h1 id="auth-heading">Sign in</h1>
        {/* Sent here from a page or action that needs an account: say why, not just show a bare form. */}
        {next !== '/' && !notice ? <p class="auth-lead">Sign in to continue where you left off.</p> : null}
        {notice ? <FormNotice kind="error">{notice}</FormNotice> : null}
        <form class="auth-form" method="post" action={`/login${nextQuery(next)}`} novalidate>
          <input type="hidden" name="next" value={next} />
          <Field name="email" label="Email" type="email" value={email} error={errors.email} autocomplete="email" required />
          <Field name="password" label="Password" type="password" error={errors.password} autocomplete="current-password" required />
          <button class="button primary wide" type="submit">
            Sign in
          </button>
        </form>
        <p class="auth-switch">
          New to Flixpeek? <a href={`/signup${nextQuery(next)}`}>Create an account</a>
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
  return (
    <Layout title="Create your account" {...shell}>
      <section class="auth-page" aria-labelledby="auth-heading">
        <h1 id="auth-heading">Create your account</h1>
        {notice ? <FormNotice kind="error">{notice}</FormNotice> : null}
        <form class="auth-form" method="post" action={`/signup${nextQuery(next)}`} novalidate>
          <input type="hidden" name="next" value={next} />
          <Field name="email" label="Email" type="email" value={values.email} error={errors.email} autocomplete="email" required />
          <Field
            name="password"
            label="Password"
            type="password"
            error={errors.password}
            hint="8 to 128 characters. A short phrase is easy to remember."
            autocomplete="new-password"
            required
            minlength={8}
            maxlength={128}
          />
          <Field
            name="display_name"
            label="Display name (optional)"
            value={values.display_name}
            error={errors.display_name}
            hint="Shown with your reviews. Leave it empty and we pick a neutral one."
            autocomplete="nickname"
            maxlength={50}
          />
          <LanguageSelect value={values.language ?? 'en'} error={errors.language} languages={languages} />
          <button class="button primary wide" type="submit">
            Create account
          </button>
        </form>
        <p class="auth-switch">
          Already have an account? <a href={`/login${nextQuery(next)}`}>Sign in</a>
        </p>
      </section>
    </Layout>
  )
}

/** The language picker; `languages` maps each code to its name in that language. */
export function LanguageSelect({ value, error, languages }: { value: string; error?: string | undefined; languages: Record<string, string> }) {
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for="field-language">Language</label>
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
