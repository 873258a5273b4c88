import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { validate } from '../http/validate'
import { IdParamSchema, PageQuerySchema } from '../schemas/common'
import { WithListed } from '../../views/components/ListedContext'
import { GridItems } from '../../views/components/MovieGrid'
import { TrailerEmbed } from '../../views/components/Trailer'
import { GenrePage } from '../../views/pages/GenrePage'
import { HomePage, HomeRowsFragment } from '../../views/pages/HomePage'
import { MoviePage } from '../../views/pages/MoviePage'
import { SearchFragment, SearchPage } from '../../views/pages/SearchPage'
import { FIRST_GENRE_ROWS, LAZY_BATCH, ROW_SIZE, genreRows, orderGenres } from './home'
import { detailsSlots } from './details-slots'
import { catalogOptions, layoutContext, nextPageHref, setPageHeaders, wantsFragment } from './page-helpers'

const SearchQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(200, 'must be at most 200 characters').default(''),
})

const LazyRowsQuerySchema = z.object({
  from: z.coerce.number().int().min(0).max(100).default(0),
})

/** The HTML pages: thin routes that read the catalog service and render views. */
export const pageRoutes = new Hono<AppEnv>()

pageRoutes.get('/', async (c) => {
  const catalog = c.get('services').catalog
  const options = catalogOptions(c)
  // The cards' "listed" markers come from listedForPages (one read of the list's summary); the row is
  // the list's newest films from their snapshots (one Query of ROW_SIZE entries, no catalog calls).
  const user = c.get('user')
  const [myList, trending, popular, topRated, nowPlaying, allGenres] = await Promise.all([
    user && c.get('listed')?.size ? c.get('services').watchlist.newest(user.id, ROW_SIZE, options) : Promise.resolve([]),
    catalog.trending('week', options),
    catalog.list('popular', options),
    catalog.list('top_rated', options),
    catalog.list('now_playing', options),
    catalog.genres(options),
  ])
  const genres = orderGenres(allGenres)
  const firstGenres = await genreRows(catalog, genres.slice(0, FIRST_GENRE_ROWS), options)
  const featured = trending.results.find((m) => m.backdrop_url) ?? trending.results[0] ?? null
  const rows = [
    { id: 'trending', title: 'Trending now', movies: trending.results },
    ...(myList.length ? [{ id: 'my-list', title: 'My List', movies: myList, moreHref: '/watchlist' }] : []),
    { id: 'popular', title: 'Popular on Flixpeek', movies: popular.results },
    { id: 'top-rated', title: 'Top rated', movies: topRated.results },
    { id: 'now-playing', title: 'New releases', movies: nowPlaying.results },
  ].map((row) => ({ ...row, movies: row.movies.slice(0, ROW_SIZE) }))
  setPageHeaders(c)
  return c.html(
    <HomePage
      {...layoutContext(c)}
      featured={featured}
      genres={allGenres}
      rows={[...rows, ...firstGenres]}
      lazyGenres={genres.slice(FIRST_GENRE_ROWS)}
      lazyHref={genres.length > FIRST_GENRE_ROWS ? `/home/rows?from=${FIRST_GENRE_ROWS}` : undefined}
    />,
  )
})

/** Further genre rows of the home page, fetched by htmx as they scroll into view. */
pageRoutes.get('/home/rows', validate('query', LazyRowsQuerySchema), async (c) => {
  const { from } = c.req.valid('query')
  const catalog = c.get('services').catalog
  const options = catalogOptions(c)
  const genres = orderGenres(await catalog.genres(options))
  const batch = genres.slice(from, from + LAZY_BATCH)
  const rows = await genreRows(catalog, batch, options)
  const next = from + LAZY_BATCH
  setPageHeaders(c)
  return c.html(
    <WithListed listed={c.get('listed')}>
      <HomeRowsFragment rows={rows} lazyGenres={genres.slice(next)} lazyHref={next < genres.length ? `/home/rows?from=${next}` : undefined} />
    </WithListed>,
  )
})

pageRoutes.get('/search', validate('query', SearchQuerySchema), async (c) => {
  const { q, page } = c.req.valid('query')
  const catalog = c.get('services').catalog
  const [genres, results] = await Promise.all([
    catalog.genres(catalogOptions(c)),
    q ? catalog.search(q, catalogOptions(c, page)) : Promise.resolve(null),
  ])
  const nextHref = results ? nextPageHref('/search', { q }, results.page, results.total_pages) : undefined
  setPageHeaders(c)
  if (wantsFragment(c)) {
    // Infinite scroll asks for the next page's cards; the search box for the whole results section.
    const listed = c.get('listed')
    if (page > 1) return c.html(<WithListed listed={listed}><GridItems movies={results?.results ?? []} nextHref={nextHref} /></WithListed>)
    return c.html(
      <WithListed listed={listed}>
        <SearchFragment query={q} results={results} genres={orderGenres(genres)} nextHref={nextHref} />
      </WithListed>,
    )
  }
  return c.html(<SearchPage {...layoutContext(c)} query={q} results={results} genres={orderGenres(genres)} nextHref={nextHref} />)
})

pageRoutes.get('/genres/:id', validate('param', IdParamSchema), validate('query', PageQuerySchema), async (c) => {
  const { id } = c.req.valid('param')
  const { page } = c.req.valid('query')
  const catalog = c.get('services').catalog
  const genres = await catalog.genres(catalogOptions(c))
  const genre = genres.find((g) => g.id === id)
  if (!genre) throw errors.notFound('We could not find that genre.')
  const list = await catalog.byGenre(id, catalogOptions(c, page))
  const nextHref = nextPageHref(`/genres/${id}`, {}, list.page, list.total_pages)
  setPageHeaders(c)
  if (wantsFragment(c)) return c.html(<WithListed listed={c.get('listed')}><GridItems movies={list.results} nextHref={nextHref} /></WithListed>)
  return c.html(<GenrePage {...layoutContext(c)} genres={genres} genre={genre} page={list} nextHref={nextHref} />)
})

pageRoutes.get('/movies/:id', validate('param', IdParamSchema), async (c) => {
  const { id } = c.req.valid('param')
  const catalog = c.get('services').catalog
  const [movie, genres, slots] = await Promise.all([
    catalog.details(id, catalogOptions(c)),
    catalog.genres(catalogOptions(c)),
    detailsSlots(c, id),
  ])
  if (!movie) throw errors.movieNotFound()
  setPageHeaders(c)
  return c.html(<MoviePage {...layoutContext(c)} genres={genres} movie={movie} {...slots(movie)} />)
})

/** The trailer player the facade swaps in on click; without htmx, off to the trailer itself. */
pageRoutes.get('/movies/:id/trailer', validate('param', IdParamSchema), async (c) => {
  const { id } = c.req.valid('param')
  const movie = await c.get('services').catalog.details(id, catalogOptions(c))
  if (!movie) throw errors.movieNotFound()
  if (!movie.trailer) throw errors.notFound('This film has no trailer.')
  setPageHeaders(c)
  const youTube = movie.trailer.site.toLowerCase() === 'youtube'
  if (!wantsFragment(c) || !youTube) return c.redirect(movie.trailer.url, 303)
  return c.html(<TrailerEmbed movie={movie} />)
})
