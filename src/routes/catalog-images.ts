import { Hono } from 'hono'
import { backdropPng, backdropSvg, posterPng, posterSvg } from '../catalog/bundled/posters'
import { bundledFilm } from '../catalog/bundled'
import type { Film } from '../catalog/bundled/data'
import type { AppEnv } from '../context'
import { errors } from '../http/errors'
import { CACHE } from '../http/cache'

/** Generated artwork never changes for a given id and data build. */
const FILE = /^([1-9][0-9]{0,9})\.(png|svg)$/

/** `<id>.png` (what pages and the API link) or `<id>.svg` (the titled variant; older links). */
function artwork(file: string, png: (film: Film) => Uint8Array, svg: (film: Film) => string): Response {
  const match = FILE.exec(file)
  const film = match ? bundledFilm(Number(match[1])) : undefined
  if (!film) throw errors.notFound('errors.not_found.image')
  const headers = { 'Cache-Control': CACHE.immutable.cacheControl }
  if (match![2] === 'png') return new Response(png(film), { headers: { ...headers, 'Content-Type': 'image/png' } })
  return new Response(svg(film), { headers: { ...headers, 'Content-Type': 'image/svg+xml; charset=utf-8' } })
}

/** Posters (2:3) and backdrops (16:9) of bundled films, referenced by their poster_url/backdrop_url. */
export const catalogImageRoutes = new Hono<AppEnv>()
  .get('/images/posters/:file', (c) => artwork(c.req.param('file'), posterPng, posterSvg))
  .get('/images/backdrops/:file', (c) => artwork(c.req.param('file'), backdropPng, backdropSvg))
