import { Hono } from 'hono'
import { WatchPage } from '../../views/pages/WatchPage'
import { loginUrl } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { errors } from '../http/errors'
import { catalogOptions, navGenres } from '../http/page-helpers'
import { render } from '../http/render'
import { validate } from '../http/validate'
import { MovieIdParamSchema } from '../schemas/common'

/**
 * `/watch/:movieId`: the player, under a media token minted for this page view (so never stored: the page is the
 * viewer's own). PLAYBACK=members sends a visitor to the login page, back here after it. A member starts where they
 * stopped, unless `?from=start` ("Start over").
 */
export const watchPages = new Hono<AppEnv>().get('/watch/:movieId', validate('param', MovieIdParamSchema), async (c) => {
  const { movieId } = c.req.valid('param')
  const services = c.get('services')
  const user = c.get('user')
  if (!user && !services.playback.open) return c.redirect(loginUrl(`/watch/${movieId}`), 303)
  const [movie, started, genres, downloads] = await Promise.all([
    services.catalog.details(movieId, catalogOptions(c)),
    services.playback.start(user?.id ?? null, movieId),
    navGenres(c),
    // A member's Download control: the qualities the video offers (a hiccup only hides the control).
    user ? services.downloads.options(movieId).catch(() => null) : null,
  ])
  if (!movie) throw errors.movieNotFound()
  useCache(c, CACHE.personalPage)
  const startAt = c.req.query('from') === 'start' ? 0 : started.playback.resume_at
  return render(c, <WatchPage movie={movie} started={started} startAt={startAt} member={Boolean(user)} genres={genres} downloads={downloads?.qualities} />, { films: true })
})
