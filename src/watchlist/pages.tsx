import { Hono, type Context } from 'hono'
import { ListFullNotice } from '../../views/components/ListFullNotice'
import { LiveStatus } from '../../views/components/LiveStatus'
import { WatchlistButton } from '../../views/components/WatchlistButton'
import { WatchlistEmpty, WatchlistItems, WatchlistPage } from '../../views/pages/WatchlistPage'
import { currentUser, requirePageUser, sameSitePath } from '../auth/middleware'
import type { AppEnv } from '../context'
import { validate } from '../http/validate'
import { MovieIdParamSchema } from '../schemas/common'
import { CursorPageQuerySchema } from '../schemas/cursor'
import { ListFull } from '../shared/errors'
import { readForm } from '../http/forms'
import { render } from '../http/render'
import { navGenres, wantsFragment } from '../http/page-helpers'
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

/** My List, 60 films a page: the next page loads as the grid scrolls (a plain link without JavaScript). */
watchlistPages.get('/watchlist', requirePageUser, validate('query', CursorPageQuerySchema), async (c) => {
  const user = currentUser(c)
  const { page, cursor } = c.req.valid('query')
  const [found, genres] = await Promise.all([
    c.get('services').watchlist.page(user.id, cursor ? { cursor } : { page: page ?? 1 }, { language: user.language }),
    navGenres(c),
  ])
  const nextHref = found.next_cursor ? `/watchlist?cursor=${encodeURIComponent(found.next_cursor)}` : undefined
  useCache(c, CACHE.ownPage)
  // Infinite scroll asks for the next page's cards only.
  if (wantsFragment(c) && (cursor || (page ?? 1) > 1)) return render(c, <WatchlistItems movies={found.results} nextHref={nextHref} />)
  return render(c, <WatchlistPage genres={genres} movies={found.results} total={found.total} nextHref={nextHref} />, { films: true })
})

watchlistPages.post('/watchlist/:movieId', requirePageUser, validate('param', MovieIdParamSchema), async (c) => {
  const { movieId } = c.req.valid('param')
  const watchlist = c.get('services').watchlist
  const [added, context] = await Promise.all([watchlist.add(currentUser(c), movieId).catch((error: unknown) => ({ error })), buttonContext(c)])
  if ('error' in added) {
    if (!(added.error instanceof ListFull && wantsFragment(c))) throw added.error
    // htmx only swaps 2xx answers: the button stays "add", with a visible note why (without JS: the 409 page says the same).
    useCache(c, CACHE.noStore)
    const title = (await c.get('services').catalog.details(movieId, { language: c.get('locale') }).catch(() => null))?.title ?? c.get('t')('watchlist.theFilm')
    return render(
      c,
      <>
        <WatchlistButton movieId={movieId} title={title} compact={context.compact} />
        <ListFullNotice max={added.error.max} />
      </>,
    )
  }
  const details = added.movie
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
    const empty = (await watchlist.count(user.id)) === 0
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
