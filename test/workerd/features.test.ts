import { env, SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { en } from '../../src/i18n/messages/en'
import { api, clientIp, form, ORIGIN, sessionCookieOf, signUp, uniqueEmail, type ErrorJson } from '../support/harness/accounts'
import { films, type FilmJson } from '../support/harness/films'
import { linkIn, waitForMail } from '../support/harness/mail'
import { drainUntil, privateQueue } from '../support/harness/notifications'
import { browserSubscription, pushApi, vapid } from '../support/harness/push'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { testAws } from '../support/harness/aws'
import { parseConfig } from '../../src/config'
import { VideoStore } from '../../src/videos/store'
import { signMediaRequest } from '../../src/videos/signing'
import { r2MediaStore } from '../../src/main/r2-media'
import { workersPlatform } from '../../src/main/worker'
import { mediaStoreContract } from '../support/media-store-contract'
import { mintPlaybackToken } from '../../src/playback/token'

/**
 * One request-level journey per feature, in the real Workers runtime. The feature suites themselves run on Node
 * (test/app, the Node runtime's ports); these catch a break that happens only on Workers (workerd's fetch, streams,
 * crypto, the bundled Argon2, waitUntil) in each feature. docs/testing.md lists them.
 */

const page = (path: string, init: { cookie?: string; headers?: Record<string, string> } = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, {
    headers: { Accept: 'text/html', 'CF-Connecting-IP': clientIp(), ...(init.cookie ? { Cookie: `session=${init.cookie}` } : {}), ...init.headers },
    redirect: 'manual',
  })

describe('every feature, once, inside workerd', { timeout: 60_000 }, () => {
  it('catalog: lists, details and search through the JSON API', async () => {
    const popular = await api('/movies/popular')
    expect(popular.status).toBe(200)
    const film = ((await popular.json()) as { results: FilmJson[] }).results[0]!
    const details = await api(`/movies/${film.id}`)
    expect(details.status).toBe(200)
    expect(await details.json()).toMatchObject({ id: film.id, title: film.title })
    const word = film.title.split(/\s+/).find((part) => part.length > 3) ?? film.title
    const search = (await (await api(`/movies/search?q=${encodeURIComponent(word)}`)).json()) as { results: FilmJson[] }
    expect(search.results.map((m) => m.id)).toContain(film.id)
  })

  it('pages: the home page and a film page, with the security headers, and a friendly 404', async () => {
    const home = await page('/')
    expect(home.status).toBe(200)
    expect(home.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
    expect(home.headers.get('X-Content-Type-Options')).toBe('nosniff')
    const html = await home.text()
    expect(html).toContain('class="hero')
    expect(html).toMatch(/<section class="row"/)
    const [film] = await films(1)
    const details = await page(`/movies/${film!.id}`)
    expect(details.status).toBe(200)
    expect(await details.text()).toContain(film!.title.replace(/&/g, '&amp;'))
    const missing = await page('/no-such-page')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('Content-Type')).toMatch(/^text\/html/)
  })

  it('accounts: sign up through the form with a secure session cookie, the profile through the API, and no cross-site form post', async () => {
    const email = uniqueEmail('workerd')
    const signup = await form('/signup', { email, password: 'correct horse battery', display_name: 'Edge Viewer' })
    expect(signup.status).toBe(303)
    const setCookie = signup.headers.get('Set-Cookie') ?? ''
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/Secure/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    const cookie = sessionCookieOf(signup)!
    expect(await (await page('/profile', { cookie })).text()).toContain('Edge Viewer')
    const login = await api('/auth/login', { body: { email, password: 'correct horse battery' } })
    expect(login.status).toBe(200)
    const { token } = (await login.json()) as { token: string }
    expect(await (await api('/me', { token })).json()).toMatchObject({ email, display_name: 'Edge Viewer' })
    const forged = await form('/profile', { display_name: 'Forged' }, { cookie, headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } })
    expect(forged.status).toBe(403)
  })

  it('watchlist: add, list on the API and on My List, remove', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 3)
    expect((await api(`/me/watchlist/${film!.id}`, { method: 'PUT', token })).status).toBe(201)
    const list = (await (await api('/me/watchlist', { token })).json()) as { results: { id: number }[] }
    expect(list.results.map((entry) => entry.id)).toEqual([film!.id])
    expect(await (await page('/watchlist', { cookie: token })).text()).toContain(`/movies/${film!.id}`)
    expect((await api(`/me/watchlist/${film!.id}`, { method: 'DELETE', token })).status).toBe(204)
    expect(((await (await api('/me/watchlist', { token })).json()) as { results: unknown[] }).results).toEqual([])
  })

  it('reviews: a rating with text, counted in the film aggregate and shown on its reviews page', async () => {
    const madeUp = await signUp({ display_name: 'Edge Critic' })
    const [film] = await films(1, 5)
    const put = await api(`/movies/${film!.id}/reviews`, { method: 'PUT', token: madeUp.token, body: { rating: 8, text: 'Sharp & quick' } })
    expect(put.status).toBe(201)
    const listed = (await (await api(`/movies/${film!.id}/reviews`)).json()) as { average: number | null; count: number; results: { rating: number; text: string }[] }
    expect(listed.count).toBeGreaterThanOrEqual(1)
    expect(listed.results).toContainEqual(expect.objectContaining({ rating: 8, text: 'Sharp & quick' }))
    const html = await (await page(`/movies/${film!.id}/reviews`)).text()
    expect(html).toContain('Edge Critic')
    expect(html).toContain('Sharp &amp; quick')
  })

  it('notifications and events: a sign-up is published, consumed from the queue and welcomed', async () => {
    const queue = await privateQueue({ subscribed: true })
    const { token } = await signUp()
    const list = await drainUntil(queue.url, token, (found) => found.some((n) => n.type === 'welcome'))
    expect(list.filter((n) => n.type === 'welcome')).toHaveLength(1)
    expect(await (await page('/notifications', { cookie: token })).text()).toContain(en['notifications.title'])
  })

  it('recommendations: picks for a user with a list, never the films already listed', async () => {
    const { token } = await signUp()
    const listed = await films(2, 2)
    for (const film of listed) expect((await api(`/me/watchlist/${film.id}`, { method: 'PUT', token })).status).toBe(201)
    let picks: { id: number; reason: string }[] = []
    for (let attempt = 0; attempt < 40; attempt++) {
      picks = ((await (await api('/me/recommendations?limit=10', { token })).json()) as { results: typeof picks }).results
      if (picks.length > 0 && !picks.some((pick) => listed.some((film) => film.id === pick.id))) break
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    expect(picks.length).toBeGreaterThan(0)
    expect(picks.filter((pick) => listed.some((film) => film.id === pick.id))).toEqual([])
    for (const pick of picks) expect(pick.reason.length).toBeGreaterThan(0)
  })

  it('email: the verification email goes out through SES and its link confirms the address', async () => {
    const user = await signUp()
    const [mail] = await waitForMail(user.email, /confirm your email/i)
    const link = linkIn(mail!, '/verify')
    expect((await SELF.fetch(`${ORIGIN}${link.pathname}${link.search}`)).status).toBe(200)
    expect(((await (await api('/me', { token: user.token })).json()) as { email_verified: boolean }).email_verified).toBe(true)
  })

  it('push: the VAPID key and a subscription, with push configured', async () => {
    expect(await (await pushApi('/push/public-key')).json()).toEqual({ key: vapid.publicKey })
    const user = await signUp()
    const on = await pushApi('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: true, recommendation: true, push: true } } })
    expect(on.status).toBe(200)
    expect((await pushApi('/me/push-subscriptions', { method: 'PUT', token: user.token, body: await browserSubscription() })).status).toBe(201)
  })

  it('offline: the manifest, the service worker script and the offline page', async () => {
    const manifest = await page('/manifest.webmanifest')
    expect(manifest.status).toBe(200)
    expect(((await manifest.json()) as { display: string }).display).toBe('standalone')
    const worker = await page('/sw.js')
    expect(worker.headers.get('Content-Type')).toMatch(/^text\/javascript/)
    expect(await worker.text()).toContain('importScripts(')
    expect((await page('/offline')).status).toBe(200)
  })

  it('languages: an Arabic page is right to left, and an API error follows the language', async () => {
    const html = await (await page('/', { headers: { 'Accept-Language': 'ar' } })).text()
    expect(html).toMatch(/<html[^>]*lang="ar"[^>]*dir="rtl"/)
    const [english, french] = await Promise.all(['en', 'fr'].map(async (language) => {
      const error = await api('/movies/abc', { headers: { 'Accept-Language': language } })
      expect(error.status).toBe(400)
      return ((await error.json()) as ErrorJson).error
    }))
    expect(french!.code).toBe(english!.code)
    expect(french!.message).not.toBe(english!.message)
  })

  it('video library: a part judged from Content-Length before it is read (413), an upload into R2 queued, the source back through a signed internal request', async () => {
    const operator = await signUpOperator(OPERATOR_EMAILS.workerd)
    const source = new TextEncoder().encode('a seconds-long film, in one part')
    const created = await api('/admin/videos', { token: operator.token, body: { movie_id: (await films(1))[0]!.id, size: source.byteLength, license: 'CC0' } })
    expect(created.status).toBe(201)
    const { id, part_size } = (await created.json()) as { id: string; part_size: number }
    const partUrl = `${ORIGIN}/api/v1/admin/videos/${id}/parts/1`
    let pulled = 0
    const endless = new ReadableStream<Uint8Array>({ pull: (controller) => void (pulled++, controller.enqueue(new Uint8Array(65_536))) })
    const over = await SELF.fetch(partUrl, { method: 'PUT', headers: { Authorization: `Bearer ${operator.token}`, 'Content-Length': String(part_size + 1) }, body: endless, duplex: 'half' } as RequestInit)
    expect(over.status).toBe(413)
    expect(pulled).toBeLessThanOrEqual(2)
    const part = await SELF.fetch(partUrl, { method: 'PUT', headers: { Authorization: `Bearer ${operator.token}`, 'Content-Length': String(source.byteLength) }, body: source })
    expect(part.status).toBe(200)
    const done = await api(`/admin/videos/${id}/complete`, { method: 'POST', token: operator.token })
    expect(await done.json()).toMatchObject({ id, status: 'queued' })
    const { db, table } = testAws()
    await new VideoStore(db, table).transition(id, ['queued'], 'transcoding')
    const path = `/internal/media/${id}/source`
    const signed = await signMediaRequest(parseConfig(env).mediaWriteSecret, 'GET', path, id, Math.floor(Date.now() / 1000) + 60)
    const read = await SELF.fetch(`${ORIGIN}${path}`, { headers: { ...signed, Range: 'bytes=2-9' } })
    expect(read.status).toBe(206)
    expect(new TextDecoder().decode(await read.arrayBuffer())).toBe('seconds-')
    expect((await SELF.fetch(`${ORIGIN}${path}`, { headers: { ...signed, 'X-Media-Signature': '0'.repeat(64) } })).status).toBe(403)
  })

  it('system: health, the OpenAPI document and request ids', async () => {
    const health = await SELF.fetch(`${ORIGIN}/healthz`, { headers: { 'X-Request-Id': 'edge-check-1' } })
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok' })
    expect(health.headers.get('X-Request-Id')).toBe('edge-check-1')
    const document = (await (await api('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> }
    expect(document.openapi).toMatch(/^3\./)
    expect(Object.keys(document.paths)).toContain('/api/v1/me/watchlist')
  })
})

/**
 * The R2 adapter (src/main/r2-media.ts) on the MEDIA bucket wrangler.toml binds, as miniflare serves it inside workerd,
 * through the media store's contract suite. Here rather than in a file of its own: each workerd file costs a runtime's
 * start-up (docs/testing.md). Miniflare enforces R2's 5 MiB minimum part (and equal parts) as R2 does.
 */
const bucket = (env as unknown as { MEDIA: R2Bucket }).MEDIA
mediaStoreContract('r2 (miniflare)', () => r2MediaStore(bucket, { partSize: 5 * 2 ** 20 }), { bulkKeys: 1_001 })

describe('the Workers platform', () => {
  it('should give the app the MEDIA bucket as its media store, with MEDIA_PART_SIZE when set', () => {
    expect(workersPlatform({ ...env, MEDIA_PART_SIZE: undefined }).media).toMatchObject({ kind: 'r2', partSize: 64 * 2 ** 20 })
    expect(workersPlatform({ ...env, MEDIA_PART_SIZE: '6000000' }).media?.partSize).toBe(6_000_000)
    expect(workersPlatform({ ...env, MEDIA: undefined }).media).toBeUndefined()
  })
})

/**
 * A segment under a media token, as Workers serves it (src/playback/media.ts): the first request reads R2 and writes
 * the Cache API copy (token-free key, `public` as the Cache API requires) before answering; the next one, under
 * another viewer's token, is answered from it. A range goes to R2 each time (the Cache API refuses 206).
 */
describe('media under a playback token', () => {
  it('should serve a segment from R2 once, then from the Cache API for every token, and ranges from R2', async () => {
    const videoId = '01JX0MEDACACHE000000000000'
    const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) % 251)
    await bucket.put(`videos/${videoId}/v1/v360/seg_00000.m4s`, bytes)
    const expires = Math.floor(Date.now() / 1000) + 600
    const url = async (viewer: string) => `${ORIGIN}/media/t/${await mintPlaybackToken((env as unknown as { JWT_SECRET: string }).JWT_SECRET, { videoId, viewer, expires })}/${videoId}/v1/v360/seg_00000.m4s`
    const first = await SELF.fetch(await url('viewer-a'))
    // Both streamed through (the edge copy and the viewer's reading one store read; a hit never copied into the
    // isolate), both with their length, so players and the browser see the size before the bytes.
    expect([first.status, first.headers.get('x-media-cache'), first.headers.get('cache-control'), first.headers.get('content-length')]).toEqual([200, 'MISS', 'private, max-age=31536000, immutable', '200000'])
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes)
    const second = await SELF.fetch(await url('viewer-b'))
    expect([second.status, second.headers.get('x-media-cache'), second.headers.get('cache-control'), second.headers.get('content-length')]).toEqual([200, 'HIT', 'private, max-age=31536000, immutable', '200000'])
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(bytes)
    const range = await SELF.fetch(await url('viewer-b'), { headers: { Range: 'bytes=100-199' } })
    expect([range.status, range.headers.get('content-range'), range.headers.get('x-media-cache')]).toEqual([206, 'bytes 100-199/200000', 'BYPASS'])
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(bytes.slice(100, 200))
  })
})
