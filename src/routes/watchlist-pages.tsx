import { Hono, type Context } from 'hono'
import { LiveStatus } from '../../views/components/LiveStatus'
import { WatchlistButton } from '../../views/components/WatchlistButton'
import { WatchlistEmpty, WatchlistPage } from '../../views/pages/WatchlistPage'
import { currentUser, requirePageUser, sameSitePath } from '../auth/middleware'
import type { AppEnv } from '../context'
import { validate } from '../http/validate'
import { MovieIdParamSchema } from '../schemas/common'
import { readForm } from '../http/forms'
import { render } from '../http/render'
import { navGenres, wantsFragment } from './page-helpers'
import { CACHE, useCache } from '../http/cache'

/** HTML routes of My List: the page, and add/remove that answer htmx with the swapped button. */
export const watchlistPages = new Hono<AppEnv>()

/** Form fields the button sends: which variant to render back, and whether it sits on the My List page. */
async function buttonContext(c: Context<AppEnv>) {
  // A form the button cannot read still toggles the list: only the answer's variant is at stake.
  const form: Record<string, string> = await readForm(c).catch(() => ({}))
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
  const [movies, genres] = await Promise.all([c.get('services').watchlist.movies(user.id, { language: user.language }), navGenres(c)])
  useCache(c, CACHE.personalPage)
  return render(c, <WatchlistPage genres={genres} movies={movies} />, { films: true })
})

watchlistPages.post('/watchlist/:movieId', requirePageUser, validate('param', MovieIdParamSchema), async (c) => {
  const { movieId } = c.req.valid('param')
  const [{ movie: details }, context] = await Promise.all([c.get('services').watchlist.add(currentUser(c), movieId), buttonContext(c)])
  if (!wantsFragment(c)) return c.redirect(backTo(c, movieId), 303)
  useCache(c, CACHE.noStore)
  return render(
    c,
    <>
      <WatchlistButton movieId={movieId} title={details.title} inList compact={context.compact} />
      <LiveStatus message={c.get('t')('watchlist.added', { title: details.title })} />
    </>,
  )
})

const remove = async (c: Context<AppEnv>, movieId: number) => {
  const user = currentUser(c)
  const watchlist = c.get('services').watchlist
  const [details, context] = await Promise.all([
    c.get('services').catalog.details(movieId, { language: user.language }).catch(() => null),
    buttonContext(c),
    watchlist.remove(user.id, movieId),
  ])
  if (!wantsFragment(c)) return c.redirect(backTo(c, movieId), 303)
  useCache(c, CACHE.noStore)
  const title = details?.title ?? c.get('t')('watchlist.theFilm')
  const status = <LiveStatus message={c.get('t')('watchlist.removed', { title })} />
  if (context.fromList) {
    // On My List the card itself is swapped out; when it was the last one, the empty state comes in.
    const empty = (await watchlist.entries(user.id)).length === 0
    return render(
    c,
      <>
        {status}
        {empty ? <WatchlistEmpty empty oob /> : null}
      </>,
    )
  }
  return render(
    c,
    <>
      <WatchlistButton movieId={movieId} title={title} compact={context.compact} />
      {status}
    </>,
  )
}

watchlistPages.post('/watchlist/:movieId/remove', requirePageUser, validate('param', MovieIdParamSchema), (c) => remove(c, c.req.valid('param').movieId))
watchlistPages.delete('/watchlist/:movieId', requirePageUser, validate('param', MovieIdParamSchema), (c) => remove(c, c.req.valid('param').movieId))
