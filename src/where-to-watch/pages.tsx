import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context'
import { sameSitePath } from '../auth/middleware'
import { RegionSchema } from '../accounts/types'
import { CACHE, cached, useCache } from '../http/cache'
import { sameOriginForm } from '../http/csrf'
import { errors } from '../http/errors'
import { readForm } from '../http/forms'
import { catalogOptions, wantsFragment } from '../http/page-helpers'
import { render } from '../http/render'
import { issuesToDetails, validate } from '../http/validate'
import { IdParamSchema } from '../schemas/common'
import { ProvidersBody } from '../../views/components/WhereToWatch'
import { ProvidersPage } from '../../views/pages/ProvidersPage'
import { regionOf, setRegionCookie } from '../http/region'
import { RegionQuerySchema } from './schemas'
import { isKnownRegion, providersAnswer, whereToWatch } from './service'

const RegionFormSchema = z.object({ region: RegionSchema })

/** The HTML side of "where to watch": the film page's providers fragment (or page, without JS) and the region menu. */
export const whereToWatchPages = new Hono<AppEnv>()

/**
 * GET /movies/:id/providers?region=XX: the film page's slot loads this fragment; the URL names the region the page
 * resolved, so shared copies are per region. Without htmx: a page of its own.
 */
whereToWatchPages.get('/movies/:id/providers', cached(CACHE.page), validate('param', IdParamSchema), validate('query', RegionQuerySchema), async (c) => {
  const { id } = c.req.valid('param')
  const { region } = regionOf(c, c.req.valid('query').region)
  const services = c.get('services')
  // The film page's slot needs the offers alone; only the page of its own (no JS) shows the film too.
  if (wantsFragment(c)) {
    const offers = await providersAnswer(services, id, region)
    if (!offers) throw errors.movieNotFound()
    return render(c, <ProvidersBody offers={offers} unavailable={services.watchProviders.source === 'none'} />)
  }
  const found = await whereToWatch(services, id, region, catalogOptions(c))
  if (!found) throw errors.movieNotFound()
  return render(c, <ProvidersPage film={found.film} offers={found.offers} unavailable={found.unavailable} />, { films: true })
})

/**
 * POST /region (the region menu, a plain form): sets the `region` cookie for a year, then back to the page. A
 * signed-in user whose profile names a region (which wins over the cookie) has it changed too, or the menu would
 * seem to do nothing.
 */
whereToWatchPages.post('/region', sameOriginForm, async (c) => {
  const form = await readForm(c)
  const parsed = RegionFormSchema.safeParse(form)
  if (!parsed.success) throw errors.validation(issuesToDetails(parsed.error.issues, form))
  const { region } = parsed.data
  const user = c.get('user')
  const services = c.get('services')
  if (user?.profile.region && user.profile.region !== region && (await isKnownRegion(services.watchProviders, region))) await services.accounts.update(user.profile, { region })
  setRegionCookie(c, region)
  useCache(c, CACHE.noStore)
  return c.redirect(sameSitePath(c, c.req.header('Referer')) ?? '/', 303)
})
