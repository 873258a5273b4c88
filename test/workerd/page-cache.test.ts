import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import { CACHE } from '../../src/http/cache'
import { PageMemory } from '../../src/http/page-memory'
import { createServices, type Services } from '../../src/services'
import { ORIGIN, api, signUp } from '../support/harness/accounts'
import { films } from '../support/harness/films'

/**
 * The page cache on (the suite runs with PAGE_CACHE=off so files cannot see each other's pages), under
 * an app version of this run's own, so nothing cached by an earlier run or another file is ever read.
 */
const cachedEnv = { ...(env as unknown as Env), PAGE_CACHE: 'on', APP_VERSION: `test-${crypto.randomUUID()}` } as Env
const worker = createWorker()

/** A browser's page GET; cached work after the response (storing, refreshing) is awaited before the next request. */
async function page(path: string, opts: { token?: string; headers?: Record<string, string> } = {}) {
  const ctx = createExecutionContext()
  const headers = { Accept: 'text/html', ...(opts.token ? { Cookie: `session=${opts.token}` } : {}), ...opts.headers }
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { headers, redirect: 'manual' }), cachedEnv, ctx)
  const body = await res.text()
  await waitOnExecutionContext(ctx)
  return { res, body }
}

/** The details page's own My List button (the first watchlist form: the similar-titles cards come after it). */
const mainButtonPressed = (html: string, movieId: number) => {
  const form = new RegExp(`<form[^>]*action="/watchlist/${movieId}(/remove)?"[^>]*>[\\s\\S]*?aria-pressed="(true|false)"`).exec(html)
  return form?.[2]
}

const privateOnly = (res: Response) => {
  const cacheControl = res.headers.get('Cache-Control') ?? ''
  expect(cacheControl).toMatch(/\bprivate\b/)
  expect(cacheControl).not.toMatch(/\bpublic\b|s-maxage/)
}

describe('page cache', { timeout: 30_000 }, () => {
  it('should serve an anonymous page from the cache with the browser-facing policy unchanged, keyed by HX-Request', async () => {
    const path = `/genres/18?page=2&t=${crypto.randomUUID().slice(0, 8)}`
    const first = await page(path)
    const second = await page(path)
    expect(first.res.status).toBe(200)
    expect(first.res.headers.get('X-Page-Cache')).toBe('miss')
    expect(second.res.headers.get('X-Page-Cache')).toBe('hit')
    expect(second.body).toBe(first.body)
    for (const { res } of [first, second]) {
      expect(res.headers.get('Cache-Control')).toBe('private, no-cache')
      expect(res.headers.get('Vary')).toMatch(/HX-Request/)
      expect(res.headers.get('Vary')).toMatch(/Accept-Language/)
      expect(res.headers.get('X-Page-Cache-Stored-At')).toBeNull()
      expect(res.headers.get('Content-Security-Policy')).toBeTruthy()
      expect(res.headers.get('X-Request-Id')).toBeTruthy()
    }
    expect(second.res.headers.get('X-Request-Id')).not.toBe(first.res.headers.get('X-Request-Id'))
    // A hit carries the same security headers as the page it was stored from, every one of them.
    for (const name of ['Content-Security-Policy', 'Strict-Transport-Security', 'X-Frame-Options', 'X-Content-Type-Options', 'Referrer-Policy', 'Permissions-Policy', 'Cross-Origin-Resource-Policy']) {
      expect(first.res.headers.get(name), name).toBeTruthy()
      expect(second.res.headers.get(name), name).toBe(first.res.headers.get(name))
    }

    const fragment = await page(path, { headers: { 'HX-Request': 'true' } })
    expect(fragment.res.headers.get('X-Page-Cache')).toBe('miss')
    expect(fragment.body).not.toContain('<html')
  })

  it("should answer anonymous catalog JSON from the cache with the route's own public policy and CORS, never a signed-in caller", async () => {
    const json = { Accept: 'application/json', Origin: 'https://client.example' }
    for (const [path, policy] of [
      ['/api/v1/movies/popular?page=2', CACHE.catalogList.cacheControl],
      ['/api/v1/genres', CACHE.catalogStatic.cacheControl],
      ['/movie/Star', 'public, max-age=60'],
    ] as const) {
      const first = await page(path, { headers: json })
      const second = await page(path, { headers: json })
      expect(first.res.status, path).toBe(200)
      expect(first.res.headers.get('X-Page-Cache'), path).toBe('miss')
      expect(second.res.headers.get('X-Page-Cache'), path).toBe('hit')
      expect(second.body, path).toBe(first.body)
      expect(JSON.parse(second.body), path).toBeTruthy()
      for (const { res } of [first, second]) {
        expect(res.headers.get('Cache-Control'), path).toBe(policy)
        expect(res.headers.get('Content-Type'), path).toMatch(/^application\/json/)
        expect(res.headers.get('Access-Control-Allow-Origin'), path).toBe('*')
        expect(res.headers.get('X-Page-Cache-Control'), path).toBeNull()
        expect(res.headers.get('X-Request-Id'), path).toBeTruthy()
      }
    }
    // A signed-in caller's answer is theirs (it follows their language): rendered for them, private, never stored.
    const user = await signUp({ language: 'fr' })
    const mine = await page('/api/v1/movies/popular?page=2', { headers: { ...json, Authorization: `Bearer ${user.token}` } })
    expect(mine.res.status).toBe(200)
    expect(mine.res.headers.get('X-Page-Cache')).toBeNull()
    privateOnly(mine.res)
    const again = await page('/api/v1/movies/popular?page=2', { headers: json })
    expect(again.res.headers.get('X-Page-Cache')).toBe('hit')
    expect(again.body).not.toBe(mine.body)
  })

  it('should show two users and an anonymous visitor, in turns, only their own list state', async () => {
    const [a, b] = await Promise.all([signUp({ display_name: 'Ada Cachetest' }), signUp({ display_name: 'Bo Cachetest' })])
    const [film] = await films(1, 7)
    const id = film!.id
    expect((await api(`/me/watchlist/${id}`, { method: 'PUT', token: a.token })).status).toBeLessThan(300)
    const path = `/movies/${id}`

    const turns = [
      { who: 'anonymous', token: undefined, listed: 'false', name: undefined },
      { who: 'a', token: a.token, listed: 'true', name: 'Ada Cachetest' },
      { who: 'anonymous', token: undefined, listed: 'false', name: undefined },
      { who: 'b', token: b.token, listed: 'false', name: 'Bo Cachetest' },
      { who: 'a', token: a.token, listed: 'true', name: 'Ada Cachetest' },
      { who: 'anonymous', token: undefined, listed: 'false', name: undefined },
    ]
    const seen: string[] = []
    for (const turn of turns) {
      const { res, body } = await page(path, { token: turn.token })
      expect(res.status, turn.who).toBe(200)
      expect(mainButtonPressed(body, id), turn.who).toBe(turn.listed)
      for (const name of ['Ada Cachetest', 'Bo Cachetest']) {
        if (name === turn.name) expect(body, turn.who).toContain(name)
        else expect(body, turn.who).not.toContain(name)
      }
      if (turn.token) {
        // A signed-in page is rendered for its viewer: never from the page cache, never storable by a shared cache.
        expect(res.headers.get('X-Page-Cache'), turn.who).toBeNull()
        privateOnly(res)
        expect(res.headers.get('Vary')).toMatch(/Cookie/)
      }
      seen.push(res.headers.get('X-Page-Cache') ?? 'rendered')
    }
    expect(seen).toEqual(['miss', 'rendered', 'hit', 'rendered', 'rendered', 'hit'])

    // The home page too: the anonymous copy carries no one's list or name.
    await page('/')
    const home = await page('/', { token: a.token })
    expect(home.body).toContain('Ada Cachetest')
    const anonymousHome = await page('/')
    expect(anonymousHome.body).not.toContain('Cachetest')
    expect(anonymousHome.body).not.toContain(`action="/watchlist/${id}/remove"`)

    // My List is the viewer's own page: private (no shared cache may keep it), revalidated on every visit, and
    // marked with its viewer so the service worker drops it for anyone else (offline reading).
    const list = await page('/watchlist', { token: b.token })
    expect(list.res.headers.get('Cache-Control')).toBe('private, no-cache')
    expect(list.res.headers.get('X-Viewer')).toMatch(/^[A-Za-z0-9_-]{16,}$/)
    expect(list.res.headers.get('X-Page-Cache')).toBeNull()
  })

  it('should answer the film page without waiting for a data store that never answers, and load the reviews after it', async () => {
    const hanging = createWorker({
      services: (ctx) => {
        const real = createServices(ctx)
        const reviews = new Proxy(real.reviews, { get: (target, name) => (name === 'forViewer' ? () => new Promise(() => {}) : Reflect.get(target, name)) })
        return new Proxy(real, { get: (target, name) => (name === 'reviews' ? reviews : Reflect.get(target, name)) }) as Services
      },
    })
    const [film] = await films(1, 8)
    const vars = { ...(env as unknown as Env), RENDER_DEADLINE_MS: '50' } as Env
    const res = await hanging.fetch(new Request(`${ORIGIN}/movies/${film!.id}`, { headers: { Accept: 'text/html' } }), vars, createExecutionContext())
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(film!.title.replace(/&/g, '&amp;'))
    // htmx fetches the reviews once the page has loaded; without JavaScript, a link to them.
    expect(html).toMatch(new RegExp(`hx-get="/movies/${film!.id}/reviews"[^>]*hx-trigger="load"`))
    expect(html).toContain(`<a href="/movies/${film!.id}/reviews">`)

    const fragment = await page(`/movies/${film!.id}/reviews`, { headers: { 'HX-Request': 'true' } })
    expect(fragment.res.status).toBe(200)
    expect(fragment.body).toContain('id="reviews-body"')
    expect(fragment.body).not.toContain('<html')
  })

  it("should keep the isolate's memory tier within its byte bound, dropping the least recently used page first", () => {
    const memory = new PageMemory(10_000)
    const entry = () => ({ body: new ArrayBuffer(3_000), headers: [] as [string, string][], storedAt: 0 })
    memory.set('a', entry())
    memory.set('b', entry())
    memory.set('c', entry())
    memory.get('a')
    memory.set('d', entry())
    expect(memory.get('b')).toBeUndefined()
    expect(memory.get('a')).toBeDefined()
    expect(memory.get('d')).toBeDefined()
    expect(memory.size).toBeLessThanOrEqual(10_000)
    memory.set('huge', { body: new ArrayBuffer(20_000), headers: [], storedAt: 0 })
    expect(memory.get('huge')).toBeUndefined()
  })
})
