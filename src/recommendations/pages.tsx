import { Hono, type Context } from 'hono'
import { DismissButton } from '../../views/components/DismissButton'
import { LiveStatus } from '../../views/components/LiveStatus'
import { DismissedCard, PersonalRows, UndismissedCard } from '../../views/components/PersonalRows'
import { OnboardingPage } from '../../views/pages/OnboardingPage'
import { PicksPage } from '../../views/pages/PicksPage'
import { currentUser, requirePageUser, safeNext, sameSitePath } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { readForm } from '../http/forms'
import { render } from '../http/render'
import { validate } from '../http/validate'
import { IdParamSchema } from '../schemas/common'
import { errors } from '../http/errors'
import { withListed } from '../watchlist/middleware'
import { catalogOptions, navGenres, wantsFragment } from '../http/page-helpers'
import { personalRowData } from './personal-rows'

/** The onboarding step asks for at least this many films, and takes at most MAX_PICKS. */
const MIN_PICKS = 3
const MAX_PICKS = 10

/** Personal rows, the "Not interested" forms and the onboarding step: HTML, signed-in users only. */
export const recommendationPages = new Hono<AppEnv>()

/** The lazy home section (htmx): computes the picks when none are stored yet. */
recommendationPages.get('/home/picks', requirePageUser, withListed, async (c) => {
  const user = currentUser(c)
  const picks = await c.get('services').recommendations.personal(user.id, c.get('listed') ?? new Set(), catalogOptions(c))
  useCache(c, CACHE.personalPage)
  return render(c, <PersonalRows rows={personalRowData(c.get('t'), picks)} />)
})

/** The same rows as a page (the lazy section's link without JavaScript). */
recommendationPages.get('/picks', requirePageUser, withListed, async (c) => {
  const user = currentUser(c)
  const [picks, genres] = await Promise.all([c.get('services').recommendations.personal(user.id, c.get('listed') ?? new Set(), catalogOptions(c)), navGenres(c)])
  useCache(c, CACHE.personalPage)
  return render(c, <PicksPage rows={personalRowData(c.get('t'), picks)} genres={genres} />, { films: true })
})

async function dismissal(c: Context<AppEnv>, movieId: number, dismissed: boolean) {
  const user = currentUser(c)
  const services = c.get('services')
  const form: Record<string, string> = await readForm(c).catch(() => ({}))
  const movie = await services.catalog.details(movieId, catalogOptions(c))
  if (!movie) throw errors.movieNotFound()
  if (dismissed) await services.recommendations.dismiss(user.id, movieId, catalogOptions(c))
  else await services.recommendations.undismiss(user.id, movieId, catalogOptions(c))
  if (!wantsFragment(c)) return c.redirect(sameSitePath(c, c.req.header('Referer')) ?? `/movies/${movieId}`, 303)
  useCache(c, CACHE.noStore)
  const t = c.get('t')
  const status = <LiveStatus message={t(dismissed ? 'recs.dismissed' : 'recs.undismissed', { title: movie.title })} />
  if (form.from === 'card') {
    const card = dismissed ? <DismissedCard movieId={movieId} title={movie.title} /> : <UndismissedCard title={movie.title} />
    return render(c, <>{card}{status}</>)
  }
  return render(c, <><DismissButton movieId={movieId} title={movie.title} dismissed={dismissed} />{status}</>)
}

recommendationPages.post('/movies/:id/dismiss', requirePageUser, validate('param', IdParamSchema), (c) => dismissal(c, c.req.valid('param').id, true))
recommendationPages.post('/movies/:id/undismiss', requirePageUser, validate('param', IdParamSchema), (c) => dismissal(c, c.req.valid('param').id, false))

/** "Pick three films you like": after sign-up (skippable) and from the profile. */
recommendationPages.get('/welcome/picks', requirePageUser, async (c) => {
  const next = safeNext(c.req.query('next'))
  const [choices, genres] = await Promise.all([c.get('services').recommendations.onboardingChoices(catalogOptions(c)), navGenres(c)])
  useCache(c, CACHE.personalPage)
  return render(c, <OnboardingPage choices={choices} next={next} genres={genres} />, { films: true })
})

recommendationPages.post('/welcome/picks', requirePageUser, async (c) => {
  const user = currentUser(c)
  const form = await readForm(c)
  const next = safeNext(form.next)
  const chosen = Object.keys(form)
    .filter((name) => /^m[1-9][0-9]{0,9}$/.test(name) && form[name] === '1')
    .map((name) => Number(name.slice(1)))
    .filter((id) => id <= 2 ** 31)
  useCache(c, CACHE.noStore)
  if (chosen.length < MIN_PICKS) {
    const [choices, genres] = await Promise.all([c.get('services').recommendations.onboardingChoices(catalogOptions(c)), navGenres(c)])
    const error = c.get('t')('recs.onboarding.tooFew', { count: MIN_PICKS })
    return render(c, <OnboardingPage choices={choices} next={next} chosen={chosen} error={error} genres={genres} />, { status: 422 })
  }
  // Each film goes on the list (a like); the list's change recomputes the picks after the response.
  for (const id of chosen.slice(0, MAX_PICKS)) await c.get('services').watchlist.add(user, id)
  return c.redirect(next, 303)
})
