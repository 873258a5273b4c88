import type { Genre, Movie } from '../../src/catalog/types'
import { Layout } from '../Layout'
import { useT } from '../components/I18nContext'
import { Poster } from '../components/Poster'

export interface OnboardingPageProps {
  choices: Movie[]
  /** Where "skip" and a saved choice lead. */
  next: string
  /** The ids the user ticked (kept when the form comes back with an error). */
  chosen?: number[]
  error?: string
  genres?: Genre[]
}

/** "Pick three films you like": plain checkboxes in a form (no JavaScript needed), skippable. */
export function OnboardingPage({ choices, next, chosen = [], error, genres }: OnboardingPageProps) {
  const t = useT()
  return (
    <Layout title={t('recs.onboarding.title')} description={t('recs.onboarding.description')} genres={genres}>
      <h1 class="page-title">{t('recs.onboarding.title')}</h1>
      <p>{t('recs.onboarding.intro')}</p>
      <form class="onboarding-form" method="post" action="/welcome/picks">
        <input type="hidden" name="next" value={next} />
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <ul class="grid onboarding-grid">
          {choices.map((movie) => (
            <li class="card">
              <label class="onboarding-choice">
                <input type="checkbox" name={`m${movie.id}`} value="1" checked={chosen.includes(movie.id)} aria-label={t('recs.onboarding.choose', { title: movie.title })} />
                <Poster url={movie.poster_url} title={movie.title} />
                <span class="card-title">{movie.title}</span>
              </label>
            </li>
          ))}
        </ul>
        <p class="form-actions">
          <button type="submit" class="button">
            {t('recs.onboarding.submit')}
          </button>{' '}
          <a class="button secondary" href={next}>
            {t('recs.onboarding.skip')}
          </a>
        </p>
      </form>
    </Layout>
  )
}
