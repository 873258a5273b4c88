import type { NotificationPrefs } from '../../src/accounts/types'
import { Layout, type LayoutProps } from '../Layout'
import { Field, FormNotice, type FieldErrors } from '../components/FormField'
import { LanguageSelect } from './AuthPages'

export interface ProfileValues {
  email: string
  display_name: string
  language: string
  notifications: NotificationPrefs
}

export interface ProfilePageProps extends Pick<LayoutProps, 'user' | 'unread'> {
  values: ProfileValues
  errors?: FieldErrors
  /** Which form the notice belongs to. */
  notice?: { form: 'profile' | 'delete'; kind: 'error' | 'success'; text: string }
  /** The languages a user can choose: code → name in that language. */
  languages: Record<string, string>
}

/** Profile settings, each part a plain form: details and security, data export, sign out everywhere, delete account. */
export function ProfilePage({ values, errors = {}, notice, languages, ...shell }: ProfilePageProps) {
  const noticeFor = (form: 'profile' | 'delete') =>
    notice?.form === form ? <FormNotice kind={notice.kind}>{notice.text}</FormNotice> : null
  return (
    <Layout title="Your profile" {...shell}>
      <section class="profile-page" aria-labelledby="profile-heading">
        <h1 id="profile-heading">Your profile</h1>
        {noticeFor('profile')}
        <form class="profile-form" method="post" action="/profile" novalidate>
          <fieldset>
            <legend>About you</legend>
            <Field name="display_name" label="Display name" value={values.display_name} error={errors.display_name} maxlength={50} required />
            <LanguageSelect value={values.language} error={errors.language} languages={languages} />
          </fieldset>
          <fieldset>
            <legend>Notifications</legend>
            <input type="hidden" name="notifications_shown" value="1" />
            <label class="checkbox">
              <input type="checkbox" name="notify_release" value="1" checked={values.notifications.release} />
              Films on my list come out, and new films in genres I follow
            </label>
            <label class="checkbox">
              <input type="checkbox" name="notify_recommendation" value="1" checked={values.notifications.recommendation} />
              Recommendations picked for me
            </label>
          </fieldset>
          <fieldset>
            <legend>Email and password</legend>
            <Field name="email" label="Email" type="email" value={values.email} error={errors.email} autocomplete="email" required />
            <Field
              name="new_password"
              label="New password (leave empty to keep yours)"
              type="password"
              error={errors.new_password}
              hint="8 to 128 characters. Changing it signs you out on your other devices."
              autocomplete="new-password"
              maxlength={128}
            />
            <Field
              name="current_password"
              label="Current password"
              type="password"
              error={errors.current_password}
              hint="Needed only to change your email or password."
              autocomplete="current-password"
            />
          </fieldset>
          <button class="button primary" type="submit">
            Save changes
          </button>
        </form>

        <section class="profile-section" aria-labelledby="data-heading">
          <h2 id="data-heading">Your data</h2>
          <p>Download everything we keep about you: profile, list, reviews and notifications.</p>
          <a class="button secondary" href="/api/v1/me/export" download="flixpeek-export.json">
            Download my data
          </a>
        </section>

        <section class="profile-section" aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">Devices</h2>
          <p>Signed in somewhere you no longer use? Sign out everywhere, this device included.</p>
          <form method="post" action="/logout">
            <input type="hidden" name="everywhere" value="1" />
            <button class="button secondary" type="submit">
              Sign out everywhere
            </button>
          </form>
        </section>

        <section class="profile-section danger-zone" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete account</h2>
          <p>This removes your account, list, reviews and notifications for good. It cannot be undone.</p>
          {noticeFor('delete')}
          <form method="post" action="/profile/delete" novalidate>
            <Field
              name="delete_password"
              label="Current password"
              type="password"
              error={errors.delete_password}
              autocomplete="current-password"
              required
            />
            <button class="button danger" type="submit">
              Delete my account
            </button>
          </form>
        </section>
      </section>
    </Layout>
  )
}
