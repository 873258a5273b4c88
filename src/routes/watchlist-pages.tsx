import { Hono, type Context } from 'hono'
import { LiveStatus } from '../../views/components/LiveStatus'
import { WatchlistButton } from '../../views/components/WatchlistButton'
import { WatchlistEmpty, WatchlistPage } from '../../views/pages/WatchlistPage'
import { currentUser, requirePageUser, sameSitePath } from '../auth/middleware'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { MovieIdParamSchema } from '../schemas/common'
import { movieOf, watchlistFor } from '../watchlist'
import { layoutContext, navGenres, wantsFragment } from './page-helpers'
import { events } from '../events/schema'


/** HTML routes of My List: the page, and add/remove that answer htmx with the swapped button. */
export const watchlistPages = new Hono<AppEnv>()

/** Form fields the button sends: which variant to render back, and whether it sits on the My List page. */
async function buttonContext(c: Context<AppEnv>) {
  const contentType = c.req.header('Content-Type') ?? ''
  const form = /form/i.test(contentType) ? await c.req.parseBody().catch(() => ({}) as Record<string, unknown>) : {}
  // htmx sends a DELETE's fields in the query string.
  const field = (name: string) => form[name] ?? c.req.query(name)
  return { compact: field('compact') === '1', fromList: field('from') === 'list' }
}

/** Without JavaScript: back to the page the form was on (same site only), else the film's page. */
function backTo(c: Context, movieId: number): string {
  return sameSitePath(c, c.req.header('Referer')) ?? `/movies/${movieId}`
}

watchlistPages.get('/watchlist', requirePageUser, async (c) => {
  const user = currentUser(c)
  const catalog = c.get('services').catalog
  const [movies, genres] = await Promise.all([watchlistFor(c).movies(user.id, catalog, { language: user.language }), navGenres(c)])
  c.header('Cache-Control', 'private, no-store')
  return c.html(<WatchlistPage {...layoutContext(c)} genres={genres} movies={movies} />)
})

watchlistPages.post('/watchlist/:movieId', requirePageUser, validate('param', MovieIdParamSchema), async (c) => {
  const user = currentUser(c)
  const { movieId } = c.req.valid('param')
  const [details, context] = await Promise.all([c.get('services').catalog.details(movieId, { language: user.language }), buttonContext(c)])
  if (!details) throw errors.movieNotFound()
  const { created } = await watchlistFor(c).add(user.id, movieOf(details))
  if (created) c.get('services').publish(events.watchlistAdded(user.id, movieId))
  if (!wantsFragment(c)) return c.redirect(backTo(c, movieId), 303)
  c.header('Cache-Control', 'no-store')
  return c.html(
    <>
      <WatchlistButton movieId={movieId} title={details.title} inList compact={context.compact} />
      <LiveStatus message={c.get('t')('watchlist.added', { title: details.title })} />
    </>,
  )
})

const remove = async (c: Context<AppEnv>, movieId: number) => {
  const user = currentUser(c)
  const watchlist = watchlistFor(c)
  const [details, context, removed] = await Promise.all([
    c.get('services').catalog.details(movieId, { language: user.language }).catch(() => null),
    buttonContext(c),
    watchlist.remove(user.id, movieId),
  ])
  if (removed) c.get('services').publish(events.watchlistRemoved(user.id, movieId))
  if (!wantsFragment(c)) return c.redirect(backTo(c, movieId), 303)
  c.header('Cache-Control', 'no-store')
  const title = details?.title ?? c.get('t')('watchlist.theFilm')
  const status = <LiveStatus message={c.get('t')('watchlist.removed', { title })} />
  if (context.fromList) {
    // On My List the card itself is swapped out; when it was the last one, the empty state comes in.
    const empty = (await watchlist.entries(user.id)).length === 0
    return c.html(
      <>
        {status}
        {empty ? <WatchlistEmpty empty oob /> : null}
      </>,
    )
  }
  return c.html(
    <>
      <WatchlistButton movieId={movieId} title={title} compact={context.compact} />
      {status}
    </>,
  )
}

watchlistPages.post('/watchlist/:movieId/remove', requirePageUser, validate('param', MovieIdParamSchema), (c) => remove(c, c.req.valid('param').movieId))
watchlistPages.delete('/watchlist/:movieId', requirePageUser, validate('param', MovieIdParamSchema), (c) => remove(c, c.req.valid('param').movieId))
