import { Hono } from 'hono'
import type { AppEnv } from '../../context'
import { CACHE, cached } from '../../http/cache'
import { errors } from '../../http/errors'
import { catalogOptions } from '../../http/page-helpers'
import { render } from '../../http/render'
import { validate } from '../../http/validate'
import { IdParamSchema } from '../../schemas/common'
import { withListed } from '../../watchlist/middleware'
import { PersonPage } from '../../../views/pages/PersonPage'
import { personFor } from './service'

/** `/people/:id`: a person's page; its film cards carry the viewer's My List state (withListed). */
export const peoplePages = new Hono<AppEnv>().get('/people/:id', cached(CACHE.page), withListed, validate('param', IdParamSchema), async (c) => {
  const { id } = c.req.valid('param')
  const found = await personFor(c.get('services').catalog, id, catalogOptions(c))
  if (!found) throw errors.notFound('errors.not_found.person')
  return render(c, <PersonPage person={found.person} {...(found.biographyLang ? { biographyLang: found.biographyLang } : {})} />, { films: true })
})
