import type { NotificationPrefs } from '../../src/accounts/types'
import { Layout, type LayoutProps } from '../Layout'
import { Field, FormNotice, type FieldErrors } from '../components/FormField'
import { LanguageSelect } from './AuthPages'
import { useT } from '../components/I18nContext'
import { RegionSelect } from '../components/RegionMenu'

export interface ProfileValues {
  email: string
  display_name: string
  language: string
  /** "Where to watch"'s region; null: automatic. */
  region?: string | null
  notifications: NotificationPrefs
  /** Whether the current address was confirmed through its emailed link. */
  email_verified?: boolean
}

export interface ProfilePageProps extends Pick<LayoutProps, 'user' | 'unread'> {
  values: ProfileValues
  errors?: FieldErrors
  /** Which form the notice belongs to. */
  notice?: { form: 'profile' | 'history' | 'delete'; kind: 'error' | 'success'; text: string }
  /** The languages a user can choose: code → name in that language. */
  languages: Record<string, string>
  /** The regions a profile may choose (TMDB's watch-provider regions; bundled: a fixed list). */
  regions?: readonly string[]
}

/** Profile settings, each part a plain form: details and security, data export, sign out everywhere, delete account. */
export function ProfilePage({ values, errors = {}, notice, languages, regions = [], ...shell }: ProfilePageProps) {
  const t = useT()
  const noticeFor = (form: 'profile' | 'history' | 'delete') =>
    notice?.form === form ? <FormNotice kind={notice.kind}>{notice.text}</FormNotice> : null
  return (
    <Layout title={t('profile.title')} {...shell}>
      <section class="profile-page" aria-labelledby="profile-heading">
        <h1 id="profile-heading">{t('profile.title')}</h1>
        {noticeFor('profile')}
        <script src="/push-switch.js" defer></script>
        <form class="profile-form" method="post" action="/profile" novalidate>
          <fieldset>
            <legend>{t('profile.aboutYou')}</legend>
            <Field name="display_name" label={t('profile.displayName')} value={values.display_name} error={errors.display_name} maxlength={50} required />
            <LanguageSelect value={values.language} error={errors.language} languages={languages} />
            <RegionSelect value={values.region} regions={regions} error={errors.region} />
          </fieldset>
          <fieldset>
            <legend>{t('profile.notifications')}</legend>
            <input type="hidden" name="notifications_shown" value="1" />
            <label class="checkbox">
              <input type="checkbox" name="notify_release" value="1" checked={values.notifications.release} />
              {t('profile.notifyRelease')}
            </label>
            <label class="checkbox">
              <input type="checkbox" name="notify_recommendation" value="1" checked={values.notifications.recommendation} />
              {t('profile.notifyRecommendation')}
            </label>
            <label class="checkbox">
              <input type="checkbox" name="notify_digest" value="1" checked={values.notifications.digest_email === true} />
              {t('email.profile.digest')}
            </label>
            {/* Web Push: shown by public/push-switch.js where the browser can do it; turning it on asks for permission then. */}
            <div
              class="push-switch"
              data-push-switch
              hidden
              data-on={t('push.profile.on')}
              data-off={t('push.profile.off')}
              data-denied={t('push.profile.denied')}
              data-failed={t('push.profile.failed')}
            >
              <label class="checkbox">
                <input type="checkbox" name="notify_push" value="1" checked={values.notifications.push === true} />
                {t('push.profile.switch')}
              </label>
              <p class="field-hint" data-push-status aria-live="polite">
                {t('push.profile.hint')}
              </p>
            </div>
          </fieldset>
          <fieldset>
            <legend>{t('profile.emailAndPassword')}</legend>
            <Field name="email" label={t('auth.email')} type="email" value={values.email} error={errors.email} autocomplete="email" required />
            {values.email_verified ? <p class="field-hint">{t('email.profile.verified')}</p> : <p class="field-hint">{t('email.profile.unverified')}</p>}
            <Field
              name="new_password"
              label={t('profile.newPassword')}
              type="password"
              error={errors.new_password}
              hint={t('profile.newPasswordHint')}
              autocomplete="new-password"
              maxlength={128}
            />
            <Field
              name="current_password"
              label={t('profile.currentPassword')}
              type="password"
              error={errors.current_password}
              hint={t('profile.currentPasswordHint')}
              autocomplete="current-password"
            />
          </fieldset>
          <button class="button primary" type="submit">
            {t('profile.save')}
          </button>
        </form>

        <section class="profile-section" aria-labelledby="picks-heading">
          <h2 id="picks-heading">{t('recs.onboarding.link')}</h2>
          <p>{t('recs.onboarding.profileText')}</p>
          <a class="button secondary" href="/welcome/picks?next=%2Fprofile">
            {t('recs.onboarding.link')}
          </a>
        </section>
        {values.email_verified ? null : (
          <form class="profile-section" method="post" action="/profile/verify-email">
            <button class="button secondary" type="submit">
              {t('email.profile.resend')}
            </button>
          </form>
        )}

        <section class="profile-section" aria-labelledby="data-heading">
          <h2 id="data-heading">{t('profile.data.heading')}</h2>
          <p>{t('profile.data.text')}</p>
          <a class="button secondary" href="/api/v1/me/export" download="flixpeek-export.json">
            {t('profile.data.download')}
          </a>
        </section>

        <section class="profile-section" aria-labelledby="history-heading">
          <h2 id="history-heading">{t('profile.history.heading')}</h2>
          <p>{t('profile.history.text')}</p>
          {noticeFor('history')}
          <form method="post" action="/profile/watch-history/clear">
            <button class="button secondary" type="submit">
              {t('profile.history.clear')}
            </button>
          </form>
        </section>

        <section class="profile-section" aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">{t('profile.devices.heading')}</h2>
          <p>{t('profile.devices.text')}</p>
          <form method="post" action="/logout">
            <input type="hidden" name="everywhere" value="1" />
            <button class="button secondary" type="submit">
              {t('profile.devices.signOutEverywhere')}
            </button>
          </form>
        </section>

        <section class="profile-section danger-zone" aria-labelledby="delete-heading">
          <h2 id="delete-heading">{t('profile.delete.heading')}</h2>
          <p>{t('profile.delete.text')}</p>
          {noticeFor('delete')}
          <form method="post" action="/profile/delete" novalidate>
            <Field
              name="delete_password"
              label={t('profile.currentPassword')}
              type="password"
              error={errors.delete_password}
              autocomplete="current-password"
              required
            />
            <button class="button danger" type="submit">
              {t('profile.delete.submit')}
            </button>
          </form>
        </section>
      </section>
    </Layout>
  )
}
