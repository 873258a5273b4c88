import { Agent, request } from 'node:http'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { ASSETS } from '../../views/assets'
import { client, eventually, expectError, PASSWORD, signUp, uniqueEmail, type Client } from '../support/blackbox'
import { waitForNodeStack } from '../support/global-node'

/**
 * One black-box HTTP suite, run against both runtimes: `npm start` (workerd, the e2e global setup's stack)
 * and `npm run start:node` (test/support/global-node.ts). It speaks only the public contract, so a
 * difference between the runtimes shows up here as a failure on one of them.
 */
const RUNTIMES = [
  ['workerd (npm start)', inject('baseUrl')],
  ['node (npm run start:node)', inject('nodeBaseUrl')],
] as const

const DRAIN = '/__scheduled?cron=*/5+*+*+*+*'

/** One request through a node:http agent (fetch hides which connection it used); the answer's body is read whole. */
function sendOn(agent: Agent, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = request(url, { agent, method: init.method ?? 'GET', ...(init.headers ? { headers: init.headers } : {}) }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }))
    })
    req.on('error', reject).end(init.body)
  })
}

beforeAll(async () => {
  await waitForNodeStack(inject('nodeStackDir'))
}, 180_000)

describe.each(RUNTIMES)('the public contract on %s', (_name, base) => {
  const api: Client = client(base)
  let film: { id: number; title: string }
  // One account for the signed-in tests (each sign-up costs an Argon2 hash).
  let account: Awaited<ReturnType<typeof signUp>>

  beforeAll(async () => {
    const popular = await api.json('GET', '/api/v1/movies/popular')
    film = popular.body.results[0]
    account = await signUp(api, 'blackbox')
  })

  describe('catalog', () => {
    it('should list popular films and the genres, and give a film its details', async () => {
      const popular = await api.json('GET', '/api/v1/movies/popular?page=2')
      expect(popular.status).toBe(200)
      expect(popular.body.page).toBe(2)
      expect(popular.body.results.length).toBeGreaterThan(0)
      const genres = await api.json('GET', '/api/v1/genres')
      expect(genres.body.genres.length).toBeGreaterThan(5)
      const details = await api.json('GET', `/api/v1/movies/${film.id}`)
      expect(details.status).toBe(200)
      expect(details.body).toMatchObject({ id: film.id, title: film.title })
      expect(Array.isArray(details.body.similar)).toBe(true)
    })

    it('should find a film by a word of its title', async () => {
      const word = film.title.split(/\s+/).find((part) => part.length > 3) ?? film.title
      const search = await api.json('GET', `/api/v1/movies/search?q=${encodeURIComponent(word)}`)
      expect(search.status).toBe(200)
      expect(search.body.results.map((movie: { id: number }) => movie.id)).toContain(film.id)
    })
  })

  describe('pages and files', () => {
    it('should render the home, film, search and genre pages, and a 404 page for an unknown path', async () => {
      for (const path of ['/', `/movies/${film.id}`, '/search?q=love', '/genres/18']) {
        const page = await api.get(path)
        expect(page.status, path).toBe(200)
        expect(page.headers.get('Content-Type'), path).toContain('text/html')
        expect(await page.text(), path).toContain('<html lang="en"')
      }
      const missing = await api.get('/no-such-page')
      expect(missing.status).toBe(404)
      expect(await missing.text()).toContain('<html')
    })

    it('should serve static files with their security and cache headers', async () => {
      const asset = await api.get(ASSETS.htmx.split('?')[0]!)
      expect(asset.status).toBe(200)
      expect(asset.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
      expect(asset.headers.get('X-Content-Type-Options')).toBe('nosniff')
      expect(asset.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
      await asset.arrayBuffer()
    })

    it('should sign up through the form and show the signed-in user their watchlist page', async () => {
      const form = new URLSearchParams({ email: uniqueEmail('form'), password: PASSWORD, password_confirm: PASSWORD, display_name: 'Form User' })
      const signup = await api.get('/signup', { method: 'POST', body: form, headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' } })
      expect(signup.status).toBe(303)
      const session = /session=[^;]+/.exec(signup.headers.get('Set-Cookie') ?? '')?.[0]
      expect(session).toBeDefined()
      const watchlist = await api.get('/watchlist', { headers: { Cookie: session! } })
      expect(watchlist.status).toBe(200)
      expect(await watchlist.text()).toContain('Form User')
    })
  })

  describe('accounts', () => {
    it('should sign up, log in, read the profile and refuse a second account with the same email', async () => {
      const { user, token } = account
      expect((await api.json('GET', '/api/v1/me', undefined, token)).body).toMatchObject({ id: user.id, email: user.email })
      const login = await api.json('POST', '/api/v1/auth/login', { email: user.email.toUpperCase(), password: PASSWORD })
      expect(login.status).toBe(200)
      expect(login.body.user.id).toBe(user.id)
      expectError(await api.json('POST', '/api/v1/auth/signup', { email: user.email, password: PASSWORD }), 409, 'email_taken')
      expectError(await api.json('POST', '/api/v1/auth/login', { email: user.email, password: 'wrong password!' }), 401, 'invalid_credentials')
    })
  })

  describe('watchlist and reviews', () => {
    it('should add a film once, list it, and remove it', async () => {
      const { token } = account
      expect((await api.json('PUT', `/api/v1/me/watchlist/${film.id}`, undefined, token)).status).toBe(201)
      expect((await api.json('PUT', `/api/v1/me/watchlist/${film.id}`, undefined, token)).status).toBe(200)
      const list = await api.json('GET', '/api/v1/me/watchlist', undefined, token)
      expect(list.body.results.map((movie: { id: number }) => movie.id)).toEqual([film.id])
      expect((await api.json('DELETE', `/api/v1/me/watchlist/${film.id}`, undefined, token)).status).toBe(204)
      expect((await api.json('GET', '/api/v1/me/watchlist', undefined, token)).body.results).toEqual([])
      expectError(await api.json('PUT', '/api/v1/me/watchlist/123456', undefined, token), 404, 'movie_not_found')
    })

    it('should keep one review per user and film, shown in the film reviews under the display name', async () => {
      const { token, user } = account
      expect((await api.json('PUT', `/api/v1/movies/${film.id}/reviews`, { rating: 7, text: 'Good.' }, token)).status).toBe(201)
      expect((await api.json('PUT', `/api/v1/movies/${film.id}/reviews`, { rating: 9, text: 'Better.' }, token)).status).toBe(200)
      const reviews = await api.json('GET', `/api/v1/movies/${film.id}/reviews`)
      const mine = reviews.body.results.filter((review: { user: { id: string } }) => review.user.id === user.id)
      expect(mine).toMatchObject([{ rating: 9, text: 'Better.', user: { display_name: user.display_name } }])
      expect(JSON.stringify(reviews.body)).not.toContain(user.email)
      expectError(await api.json('PUT', `/api/v1/movies/${film.id}/reviews`, { rating: 11 }, token), 422, 'validation_failed')
    })
  })

  describe('notifications', () => {
    it('should deliver the welcome notification through the queue drain, and mark it read', async () => {
      const { token } = account
      const welcome = await eventually(async () => {
        const drained = await api.get(DRAIN)
        await drained.arrayBuffer()
        const list = await api.json('GET', '/api/v1/me/notifications', undefined, token)
        return list.body.results.find((notification: { type: string }) => notification.type === 'welcome')
      })
      expect(welcome).toMatchObject({ type: 'welcome', read: false })
      expect((await api.json('POST', `/api/v1/me/notifications/${welcome.id}/read`, undefined, token)).status).toBe(204)
      const after = await api.json('GET', '/api/v1/me/notifications', undefined, token)
      expect(after.body.results.find((notification: { id: string }) => notification.id === welcome.id)).toMatchObject({ read: true })
    })
  })

  describe('API errors', () => {
    it('should answer bad input with the contract error shape, never a 500', async () => {
      expectError(await api.json('GET', '/api/v1/movies/abc'), 400, 'invalid_id')
      expectError(await api.json('GET', '/api/v1/movies/popular?page=0'), 422, 'validation_failed')
      expectError(await api.json('GET', '/api/v1/me'), 401, 'unauthorized')
      expectError(await api.json('GET', '/api/v1/me', undefined, 'not-a-token'), 401, 'unauthorized')
      expectError(await api.json('POST', '/api/v1/auth/login', '{"email":'), 400, 'malformed_request')
      expectError(await api.json('GET', '/api/v1/no-such-route'), 404, 'not_found')
    })

    it('should answer the next request on a kept-alive connection after a 413 for a body it did not read (issue #41)', async () => {
      // 1 MB, past the 64 KB limit: the server may drain the rest or say `Connection: close`, but never drop the next request.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      try {
        const body = JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(1_000_000) })
        const tooLarge = await sendOn(agent, `${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
        expect(tooLarge.status).toBe(413)
        expect((await sendOn(agent, `${base}/livez`)).status).toBe(200)
      } finally {
        agent.destroy()
      }
    })

    it('should say the server is ready and alive', async () => {
      expect((await api.json('GET', '/healthz')).body).toEqual({ status: 'ok', checks: { dynamodb: 'ok' } })
      expect((await api.json('GET', '/livez')).body).toEqual({ status: 'ok' })
    })
  })
})
