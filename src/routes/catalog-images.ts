import { Hono } from 'hono'
import { backdropSvg, posterSvg } from '../catalog/bundled/posters'
import { bundledFilm } from '../catalog/bundled'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { CACHE } from '../http/cache'

/** Generated artwork never changes for a given id and data build. */
const FILE = /^([1-9][0-9]{0,9})\.svg$/

function filmFrom(file: string) {
  const match = FILE.exec(file)
  const film = match ? bundledFilm(Number(match[1])) : undefined
  if (!film) throw errors.notFound('There is no such image.')
  return film
}

const svg = (body: string) =>
  new Response(body, {
    headers: {
      'Content-Type': 'image/svg+xml; charset=utf-8',
      'Cache-Control': CACHE.immutable.cacheControl,
    },
  })

/** Posters (2:3) and backdrops (16:9) of bundled films, referenced by their poster_url/backdrop_url. */
export const catalogImageRoutes = new Hono<AppEnv>()
  .get('/images/posters/:file', (c) => svg(posterSvg(filmFrom(c.req.param('file')))))
  .get('/images/backdrops/:file', (c) => svg(backdropSvg(filmFrom(c.req.param('file')))))
