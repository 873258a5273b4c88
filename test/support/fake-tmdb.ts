import { readFileSync, existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { peopleRoute } from './fake-tmdb-people'

/**
 * A local TMDB v3 look-alike for the app tests: it replays responses shaped like the official spec's
 * examples (test/fixtures/tmdb/) plus edge cases, checks auth like TMDB, and can be told to fail.
 *
 * Control API (tests call it over HTTP from inside workerd). Every path may be prefixed with a tenant name
 * (`/<tenant>/3/movie/popular`, `/<tenant>/__stats`) so concurrent test files keep their own mode and counters:
 *   POST /__control {"mode":"ok"|"down"|"slow"|"500"|"429", "count"?: n, "delayMs"?: ms, "retryAfter"?: "1"}
 *     down: connections are dropped; slow: answers after delayMs (default 3000); 500: TMDB-style 500s;
 *     429: rate-limited with Retry-After. With `count`, the mode lasts for that many requests, then "ok".
 *   GET  /__stats → {"total": n, "byPath": {"/3/movie/popular": n}, "byUrl": {"/3/movie/popular?page=1": n}, "last": {...}}
 *   POST /__reset → mode ok, counters zeroed.
 */

type Mode = 'ok' | 'down' | 'slow' | '500' | '429'

interface ControlState {
  mode: Mode
  remaining: number | null
  delayMs: number
  retryAfter: string
}

export interface FakeTmdb {
  /** The API base to use as TMDB_BASE_URL, e.g. http://127.0.0.1:1234/3 */
  url: string
  stop(): Promise<void>
}

const FIXTURES = fileURLToPath(new URL('../fixtures/tmdb/', import.meta.url))
const fixture = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8'))

const NOT_FOUND = { success: false, status_code: 34, status_message: 'The resource you requested could not be found.' }
const INVALID_KEY = { status_code: 7, status_message: 'Invalid API key: You must be granted a valid key.', success: false }
const SERVER_ERROR = { success: false, status_code: 11, status_message: 'Internal error: Something went wrong, contact TMDB.' }
const RATE_LIMITED = { success: false, status_code: 25, status_message: 'Your request count (#) is over the allowed limit of (40).' }

interface TmdbListMovie {
  id: number
  title: string
  genre_ids?: number[]
}
interface TmdbList {
  page: number
  results: TmdbListMovie[]
  total_pages: number
  total_results: number
}

function paged(items: TmdbListMovie[], page: number): TmdbList {
  const start = (page - 1) * 20
  return { page, results: items.slice(start, start + 20), total_pages: Math.max(1, Math.ceil(items.length / 20)), total_results: items.length }
}

/** Page n of a fixture list: the same films with ids moved, so pages differ and never collide. */
function listPage(name: string, page: number): TmdbList {
  const list = fixture(name) as TmdbList
  if (page === 1) return list
  return { ...list, page, results: list.results.map((movie) => ({ ...movie, id: movie.id + (page - 1) * 10_000_000 })) }
}

/** The `<name>.<language>.json` fixture (e.g. `movie-11.es-ES.json`) when the request asks for that language. */
function translated(name: string, query: URLSearchParams): unknown {
  const language = query.get('language')
  if (!language || !/^[a-z]{2}-[A-Z]{2}$/.test(language) || !existsSync(`${FIXTURES}${name}.${language}.json`)) return undefined
  return fixture(`${name}.${language}.json`)
}

function route(path: string, query: URLSearchParams): { status: number; body: unknown } {
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1)
  const lists: Record<string, string> = {
    '/3/movie/popular': 'popular.json',
    '/3/movie/top_rated': 'top_rated.json',
    '/3/movie/now_playing': 'now_playing.json',
    '/3/movie/upcoming': 'upcoming.json',
    '/3/trending/movie/day': 'trending.json',
    '/3/trending/movie/week': 'trending.json',
  }
  if (lists[path]) return { status: 200, body: listPage(lists[path], page) }
  if (path === '/3/genre/movie/list') return { status: 200, body: translated('genre-list', query) ?? fixture('genre-list.json') }
  if (path === '/3/configuration') return { status: 200, body: fixture('configuration.json') }
  if (path === '/3/search/movie') {
    const needle = (query.get('query') ?? '').toLowerCase()
    const pool = fixture('search-pool.json') as TmdbListMovie[]
    return { status: 200, body: paged(needle ? pool.filter((movie) => movie.title.toLowerCase().includes(needle)) : [], page) }
  }
  if (path === '/3/discover/movie') {
    const genre = Number(query.get('with_genres'))
    const list = fixture('discover.json') as TmdbList
    return { status: 200, body: paged(list.results.filter((movie) => !genre || movie.genre_ids?.includes(genre)), page) }
  }
  // Where to watch: the spec's example for film 11 (plus a rent-only region, IS); any other film has none.
  if (path === '/3/watch/providers/regions') return { status: 200, body: fixture('watch-provider-regions.json') }
  const providers = /^\/3\/movie\/(\d+)\/watch\/providers$/.exec(path)
  if (providers && existsSync(`${FIXTURES}movie-${providers[1]}.json`)) {
    const known = existsSync(`${FIXTURES}watch-providers-${providers[1]}.json`)
    return { status: 200, body: known ? fixture(`watch-providers-${providers[1]}.json`) : { id: Number(providers[1]), results: {} } }
  }
  const movie = /^\/3\/movie\/(\d+)$/.exec(path)
  if (movie && existsSync(`${FIXTURES}movie-${movie[1]}.json`)) {
    // TMDB answers in `language`: a fixture `movie-<id>.<language>.json` overlays the translated fields.
    const details = { ...(fixture(`movie-${movie[1]}.json`) as Record<string, unknown>), ...(translated(`movie-${movie[1]}`, query) as object | undefined) }
    const appended = new Set((query.get('append_to_response') ?? '').split(','))
    for (const part of ['credits', 'videos', 'similar', 'recommendations']) if (!appended.has(part)) delete details[part]
    return { status: 200, body: details }
  }
  const people = peopleRoute(path, query)
  if (people) return people
  return { status: 404, body: NOT_FOUND }
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of req) body += chunk
  return body
}

interface Stats {
  total: number
  byPath: Record<string, number>
  byUrl: Record<string, number>
  last: unknown
}

interface Tenant {
  state: ControlState
  stats: Stats
}

const freshTenant = (): Tenant => ({
  state: { mode: 'ok', remaining: null, delayMs: 3_000, retryAfter: '1' },
  stats: { total: 0, byPath: {}, byUrl: {}, last: null },
})

/** `/3/movie/1` → default tenant; `/run-abc/3/movie/1` → tenant `run-abc`, with its own mode and counters. */
function splitTenant(pathname: string): { tenant: string; path: string } {
  if (pathname.startsWith('/3/') || pathname.startsWith('/__')) return { tenant: '', path: pathname }
  const match = /^\/([\w-]{1,80})(\/.*)$/.exec(pathname)
  return match ? { tenant: match[1]!, path: match[2]! } : { tenant: '', path: pathname }
}

export async function startFakeTmdb(): Promise<FakeTmdb> {
  const tenants = new Map<string, Tenant>()
  const tenantOf = (name: string) => {
    let tenant = tenants.get(name)
    if (!tenant) tenants.set(name, (tenant = freshTenant()))
    return tenant
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', ...headers })
    res.end(JSON.stringify(body))
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-tmdb')
    const { tenant: name, path } = splitTenant(url.pathname)
    const tenant = tenantOf(name)
    if (path === '/__control' && req.method === 'POST') {
      const control = JSON.parse((await readBody(req)) || '{}') as Partial<ControlState> & { count?: number }
      tenant.state = {
        mode: control.mode ?? 'ok',
        remaining: control.count ?? null,
        delayMs: control.delayMs ?? 3_000,
        retryAfter: control.retryAfter ?? '1',
      }
      return send(res, 200, tenant.state)
    }
    if (path === '/__reset' && req.method === 'POST') {
      tenants.set(name, freshTenant())
      return send(res, 200, { ok: true })
    }
    if (path === '/__stats') return send(res, 200, tenant.stats)

    const { stats } = tenant
    const query = new URLSearchParams([...url.searchParams].filter(([key]) => key !== 'api_key').sort(([a], [b]) => a.localeCompare(b)))
    const keyed = `${path}${query.size ? `?${query}` : ''}`
    stats.total += 1
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1
    stats.byUrl[keyed] = (stats.byUrl[keyed] ?? 0) + 1
    const apiKey = url.searchParams.get('api_key')
    const authorization = req.headers.authorization ?? null
    stats.last = { path, query: Object.fromEntries(url.searchParams), authorization }

    const { state } = tenant
    const mode = state.mode
    if (state.remaining !== null && --state.remaining <= 0) tenant.state = { ...state, mode: 'ok', remaining: null }
    if (mode === 'down') return req.socket.destroy()
    if (mode === '500') return send(res, 500, SERVER_ERROR)
    if (mode === '429') return send(res, 429, RATE_LIMITED, { 'Retry-After': state.retryAfter })
    if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, state.delayMs))

    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7) : null
    if ((!apiKey && !bearer) || apiKey === 'invalid' || bearer === 'invalid') return send(res, 401, INVALID_KEY)
    const { status, body } = route(path, url.searchParams)
    send(res, status, body)
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/3`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
