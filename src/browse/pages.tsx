import { issueMessage as m } from '../i18n/message-ref'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { IdParamSchema, PageQuerySchema } from '../schemas/common'
import { GridItems } from '../../views/components/MovieGrid'
import { TrailerEmbed } from '../../views/components/Trailer'
import { GenrePage } from '../../views/pages/GenrePage'
import { HomePage, HomeRowsFragment } from '../../views/pages/HomePage'
import { MoviePage } from '../../views/pages/MoviePage'
import { SearchFragment, SearchPage } from '../../views/pages/SearchPage'
import { LAZY_BATCH, genreRows, homeModel, orderGenres } from './home'
import { filmPageReadPlan, loadFilmPage, REVIEWS_DEADLINE_MS } from './film-page'
import type { HomeViewer } from './home-row'
import { render } from '../http/render'
import { withListed } from '../watchlist/middleware'
import { catalogOptions, nextPageHref, wantsFragment } from '../http/page-helpers'
import { CACHE, cached, useCache } from '../http/cache'
import { peopleFor } from '../catalog/people/service'

const SearchQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(200, m('validation.maxChars', { max: 200 })).default(''),
})

const LazyRowsQuerySchema = z.object({
  from: z.coerce.number().int().min(0).max(100).default(0),
})

/** Who is looking, as the page models take it (src/browse/home-row.ts, film-page.ts): the request's ports and language. */
function viewerOf(c: Context<AppEnv>): HomeViewer {
  const requestId = c.get('requestId')
  return {
    services: c.get('services'),
    user: c.get('user'),
    listed: c.get('listed'),
    options: catalogOptions(c),
    t: c.get('t'),
    warn: (message, error) => console.error(`[${requestId}] ${message}`, error),
  }
}

/** How long the film page waits for its per-viewer parts: REVIEWS_DEADLINE_MS unless RENDER_DEADLINE_MS says otherwise. */
function deadlineOf(c: Context<AppEnv>): number {
  const configured = Number(c.env.platform.vars.RENDER_DEADLINE_MS)
  return Number.isFinite(configured) && configured > 0 ? configured : REVIEWS_DEADLINE_MS
}

/**
 * Before the session read (src/app.ts): a film page names its viewer's reads, so for a signed-in viewer they come
 * back with the session's profile in one call instead of three more.
 */
export const browseReadAhead = new Hono<AppEnv>().get('/movies/:id', async (c, next) => {
  const id = Number(c.req.param('id'))
  if (Number.isSafeInteger(id) && id > 0) for (const plan of filmPageReadPlan(id)) c.get('services').readAhead(plan)
  await next()
})

/** The HTML pages: thin routes that read the catalog service and render views. */
export const browsePages = new Hono<AppEnv>()

browsePages.get('/', cached(CACHE.page), withListed, async (c) => {
  // The rows of src/browse/home-rows.ts; the cards' "listed" markers come from withListed (one read of the list's summary).
  const home = await homeModel(viewerOf(c))
  // Rendered without a fresh ready-video map: this visitor's copy only (the next one may offer Play).
  if (home.provisional) useCache(c, CACHE.personalPage)
  return render(
    c,
    <HomePage featured={home.featured} featuredPlayable={home.featuredPlayable} featuredResumeAt={home.featuredResumeAt} genres={home.genres} sections={home.sections} lazyGenres={home.lazyGenres} lazyHref={home.lazyHref} />,
    { films: true },
  )
})

/** Further genre rows of the home page, fetched by htmx as they scroll into view. */
browsePages.get('/home/rows', cached(CACHE.page), withListed, validate('query', LazyRowsQuerySchema), async (c) => {
  const { from } = c.req.valid('query')
  const catalog = c.get('services').catalog
  const options = catalogOptions(c)
  const genres = orderGenres(await catalog.genres(options))
  const batch = genres.slice(from, from + LAZY_BATCH)
  const rows = await genreRows(catalog, batch, options)
  const next = from + LAZY_BATCH
  return render(c, <HomeRowsFragment rows={rows} lazyGenres={genres.slice(next)} lazyHref={next < genres.length ? `/home/rows?from=${next}` : undefined} />)
})

browsePages.get('/search', cached(CACHE.page), withListed, validate('query', SearchQuerySchema), async (c) => {
  const { q, page } = c.req.valid('query')
  const catalog = c.get('services').catalog
  // People beside the films, in parallel and on the first page only; a people look-up that fails leaves them out.
  const warn = (error: unknown) => console.error(`[${c.get('requestId')}] search: people unavailable`, error)
  const [genres, results, people] = await Promise.all([
    catalog.genres(catalogOptions(c)),
    q ? catalog.search(q, catalogOptions(c, page)) : Promise.resolve(null),
    page === 1 ? peopleFor(catalog, q, catalogOptions(c), warn) : Promise.resolve([]),
  ])
  const nextHref = results ? nextPageHref('/search', { q }, results.page, results.total_pages) : undefined
  if (wantsFragment(c)) {
    // Infinite scroll asks for the next page's cards; the search box for the whole results section.
    if (page > 1) return render(c, <GridItems movies={results?.results ?? []} nextHref={nextHref} />)
    return render(c, <SearchFragment query={q} results={results} people={people} genres={orderGenres(genres)} nextHref={nextHref} />)
  }
  return render(c, <SearchPage query={q} results={results} people={people} genres={orderGenres(genres)} nextHref={nextHref} />, { films: true })
})

browsePages.get('/genres/:id', cached(CACHE.page), withListed, validate('param', IdParamSchema), validate('query', PageQuerySchema), async (c) => {
  const { id } = c.req.valid('param')
  const { page } = c.req.valid('query')
  const catalog = c.get('services').catalog
  const genres = await catalog.genres(catalogOptions(c))
  const genre = genres.find((g) => g.id === id)
  if (!genre) throw errors.notFound('errors.not_found.genre')
  const list = await catalog.byGenre(id, catalogOptions(c, page))
  const nextHref = nextPageHref(`/genres/${id}`, {}, list.page, list.total_pages)
  if (wantsFragment(c)) return render(c, <GridItems movies={list.results} nextHref={nextHref} />)
  return render(c, <GenrePage genres={genres} genre={genre} page={list} nextHref={nextHref} />, { films: true })
})

browsePages.get('/movies/:id', cached(CACHE.page), withListed, validate('param', IdParamSchema), async (c) => {
  const { id } = c.req.valid('param')
  const page = await loadFilmPage({ ...viewerOf(c), deadlineMs: deadlineOf(c) }, id)
  if (!page) throw errors.movieNotFound()
  // Rendered without a fresh ready-video map: this visitor's copy only (the next one may offer Play).
  const { provisional, ...film } = page
  if (provisional) useCache(c, CACHE.personalPage)
  return render(c, <MoviePage {...film} />, { films: true })
})

/** The trailer player the facade swaps in on click; without htmx, off to the trailer itself. */
browsePages.get('/movies/:id/trailer', cached(CACHE.page), validate('param', IdParamSchema), async (c) => {
  const { id } = c.req.valid('param')
  const movie = await c.get('services').catalog.details(id, catalogOptions(c))
  if (!movie) throw errors.movieNotFound()
  if (!movie.trailer) throw errors.notFound('errors.not_found.trailer')
  const youTube = movie.trailer.site.toLowerCase() === 'youtube'
  if (!wantsFragment(c) || !youTube) return c.redirect(movie.trailer.url, 303)
  return render(c, <TrailerEmbed movie={movie} />)
})
