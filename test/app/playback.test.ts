import { readFileSync } from 'node:fs'
import { env, platformFor, SELF } from '@test/runtime'
import { parse, types } from 'hls-parser/index.js'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/app'
import { guardedMediaStore, type MediaStore } from '../../src/media/store'
import { mintPlaybackToken } from '../../src/playback/token'
import { runJob } from '../../src/transcoder/job'
import { readyMapChanged } from '../../src/videos'
import { api, ORIGIN, signUp, type ErrorJson, type TestUser } from '../support/harness/accounts'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { TEST_BINDINGS } from '../support/bindings'
import { makeClip } from '../support/media'
import { jobDeps, media, upload } from './transcoder-support'

/**
 * Watching as an API client does it (CONTRACT.md: `POST /api/v1/movies/:id/playback`, `GET /media/t/<token>/…`): a
 * real upload, transcoded by the real job, streamed through the token the API mints. On the Node runtime; the Cache
 * API's copy of a segment is test/workerd/media-cache.test.ts's.
 */
const MOVIE = 921820224 // Ace Ventura: Pet Detective, in the bundled catalog; no other file gives it a video
const NO_VIDEO = 550 // Fight Club: no file gives it one
let operator: TestUser
let viewer: TestUser
let videoId: string

const start = (user: TestUser | null, movie = MOVIE) => api(`/movies/${movie}/playback`, { method: 'POST', ...(user ? { token: user.token } : {}) })
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => SELF.fetch(new URL(path, ORIGIN), { method, headers })

beforeAll(async () => {
  let clip: Buffer
  ;[operator, viewer, clip] = await Promise.all([
    signUpOperator(OPERATOR_EMAILS.playback),
    signUp(),
    makeClip({ seconds: 2, width: 320, height: 180 }).then((path) => readFileSync(path)),
  ])
  videoId = await upload(operator, clip, MOVIE)
  expect(await runJob({ videoId, attempt: 1, lastDelivery: false }, jobDeps())).toBe('ready')
  // The transcoder is another process: this one learns of the new video with its next read of the ready-video map.
  readyMapChanged()
}, 60_000)

describe('POST /api/v1/movies/:id/playback and the media it opens', () => {
  it('should mint a new token per start and stream the film through it: master, rendition, init, segment', async () => {
    const [first, second] = [await start(viewer), await start(viewer)]
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toBe('private, no-store')
    const playback = (await first.json()) as { hls: string; mp4: string; expires_at: string; resume_at: number; audio: string[]; subtitles: string[] }
    expect(playback).toMatchObject({ resume_at: 0, audio: ['en'], subtitles: [] })
    expect(playback.hls).toMatch(new RegExp(`^/media/t/[A-Za-z0-9_.-]+/${videoId}/v1/master-r1\\.m3u8$`))
    expect(playback.mp4).toMatch(/\/v1\/download\.mp4$/)
    // Six hours by default.
    expect(Date.parse(playback.expires_at) - Date.now()).toBeGreaterThan(21_500_000)
    expect(((await second.json()) as { hls: string }).hls).not.toBe(playback.hls)

    const master = await get(playback.hls)
    expect(master.status).toBe(200)
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl')
    expect(master.headers.get('cache-control')).toBe('private, max-age=60')
    expect(master.headers.get('access-control-allow-origin')).toBe('*')
    expect(master.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(master.headers.get('access-control-expose-headers')).toBe('Content-Range, Accept-Ranges, Content-Length')
    const variants = (parse(await master.text()) as InstanceType<typeof types.MasterPlaylist>).variants
    // Relative URIs: every request inherits the token from the master's URL.
    const rendition = new URL(variants[0]!.uri, new URL(playback.hls, ORIGIN))
    const list = parse(await (await get(rendition.href)).text()) as InstanceType<typeof types.MediaPlaylist>
    for (const uri of [list.segments[0]!.map!.uri, list.segments[0]!.uri]) {
      const part = await get(new URL(uri, rendition).href)
      expect(part.status, uri).toBe(200)
      expect(part.headers.get('content-type')).toBe('video/mp4')
      expect(part.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
      expect((await part.arrayBuffer()).byteLength).toBeGreaterThan(0)
    }
  })

  it('should answer one range with 206, several with 416, HEAD and If-None-Match without the bytes', async () => {
    const { mp4 } = (await (await start(viewer)).json()) as { mp4: string }
    const whole = await get(mp4, {}, 'HEAD')
    expect(whole.status).toBe(200)
    const size = Number(whole.headers.get('content-length'))
    expect(size).toBeGreaterThan(1000)
    expect(whole.headers.get('accept-ranges')).toBe('bytes')

    const first = await get(mp4, { Range: 'bytes=0-99' })
    expect(first.status).toBe(206)
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${size}`)
    expect((await first.arrayBuffer()).byteLength).toBe(100)
    const tail = await get(mp4, { Range: 'bytes=-10' })
    expect([tail.status, tail.headers.get('content-range')]).toEqual([206, `bytes ${size - 10}-${size - 1}/${size}`])
    const rest = await get(mp4, { Range: `bytes=${size - 5}-` })
    expect((await rest.arrayBuffer()).byteLength).toBe(5)

    for (const range of ['bytes=0-1,5-6', `bytes=${size}-`, 'bytes=9-3', 'items=0-1']) {
      const refused = await get(mp4, { Range: range })
      expect(refused.status, range).toBe(416)
      expect(refused.headers.get('content-range')).toBe(`bytes */${size}`)
    }
    const unchanged = await get(mp4, { 'If-None-Match': whole.headers.get('etag')! })
    expect(unchanged.status).toBe(304)
  })

  it('should refuse forged, truncated, expired and another video\'s tokens with 403, and names outside the video with 404', async () => {
    const { hls } = (await (await start(viewer)).json()) as { hls: string }
    const [, token, , name] = /^\/media\/t\/([^/]+)\/([^/]+)\/(.+)$/.exec(hls)!
    const secret = TEST_BINDINGS.JWT_SECRET!
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1)
    const expired = await mintPlaybackToken(secret, { videoId, viewer: 'test-viewer', expires: Math.floor(Date.now() / 1000) - 1 })
    const otherVideo = await mintPlaybackToken(secret, { videoId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', viewer: 'test-viewer', expires: Math.floor(Date.now() / 1000) + 600 })
    const otherSecret = await mintPlaybackToken('another-secret-that-is-at-least-32-bytes!!', { videoId, viewer: 'test-viewer', expires: Math.floor(Date.now() / 1000) + 600 })
    for (const bad of [flip(token!, token!.length - 3), flip(token!, 2), token!.slice(0, -4), expired, otherVideo, otherSecret, 'x']) {
      const refused = await get(`/media/t/${bad}/${videoId}/${name}`)
      expect(refused.status, bad).toBe(403)
      expect(refused.headers.get('access-control-allow-origin')).toBe('*')
      expect(((await refused.json()) as ErrorJson).error.code).toBe('forbidden')
    }
    for (const outside of ['v1/%2e%2e/%2e%2e/source', 'v1/..%2fsource', 'source', 'v1/Master-r1.m3u8', 'v1/seg.ts', 'v1/v999/index.m3u8']) {
      const missing = await get(`/media/t/${token}/${videoId}/${outside}`)
      expect(missing.status, outside).toBe(404)
      expect(((await missing.json()) as ErrorJson).error.code).toBe('not_found')
    }
  })

  it('should keep a playlist in the Node process for its minute, and every segment in the store', async () => {
    const { hls } = (await (await start(viewer)).json()) as { hls: string }
    const master = parse(await (await get(hls)).text()) as InstanceType<typeof types.MasterPlaylist>
    // The audio rendition's playlist: the first test read the video rendition's.
    const playlist = new URL(master.variants[0]!.audio[0]!.uri!, new URL(hls, ORIGIN))
    const [a, b] = [await get(playlist.href), await get(playlist.href)]
    expect([a.headers.get('x-media-cache'), b.headers.get('x-media-cache')]).toEqual(['MISS', 'HIT'])
    const text = await a.text()
    expect(await b.text()).toBe(text)
    const init = new URL((parse(text) as InstanceType<typeof types.MediaPlaylist>).segments[0]!.map!.uri, playlist).href
    const [c, d] = [await get(init), await get(init)]
    expect([c.headers.get('x-media-cache'), d.headers.get('x-media-cache')]).toEqual(['BYPASS', 'BYPASS'])
    expect(c.headers.get('content-type')).toBe('audio/mp4')
  })
})

describe('who may start playback', () => {
  it('should answer a visitor 401 (PLAYBACK=members), a film without a video 404 video_not_found, and the 31st start in 10 minutes 429', async () => {
    expect((await start(null)).status).toBe(401)
    const someone = await signUp()
    const none = await start(someone, NO_VIDEO)
    expect([none.status, ((await none.json()) as ErrorJson).error.code]).toEqual([404, 'video_not_found'])
    for (let call = 2; call <= 30; call++) expect((await start(someone, NO_VIDEO)).status).toBe(404)
    const limited = await start(someone)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('should let a visitor watch when the server runs with PLAYBACK=public, and the watch page not send them to log in', async () => {
    const app = createApp()
    const open = { platform: platformFor({ ...env, PLAYBACK: 'public' }) }
    const started = await app.fetch(new Request(`${ORIGIN}/api/v1/movies/${MOVIE}/playback`, { method: 'POST', headers: { 'CF-Connecting-IP': '203.0.113.77' } }), open)
    expect(started.status).toBe(200)
    const { hls } = (await started.json()) as { hls: string }
    expect((await app.fetch(new Request(new URL(hls, ORIGIN)), open)).status).toBe(200)
    const page = await app.fetch(new Request(`${ORIGIN}/watch/${MOVIE}`, { headers: { Accept: 'text/html' } }), open)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('data-hls="/media/t/')
  })

  it('should mint nothing for an unpublished video at once, and again once it is published', async () => {
    const patch = (published: boolean) => api(`/admin/videos/${videoId}`, { method: 'PATCH', token: operator.token, body: { published } })
    expect((await patch(false)).status).toBe(200)
    try {
      expect((await start(viewer)).status).toBe(404)
    } finally {
      expect((await patch(true)).status).toBe(200)
    }
    expect((await start(viewer)).status).toBe(200)
  })
})

describe('media tokens in logs', () => {
  afterEach(() => vi.restoreAllMocks())

  it('should log a failed media request with the token masked', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { hls } = (await (await start(viewer)).json()) as { hls: string }
    const token = hls.split('/')[3]!
    const failing = guardedMediaStore({ ...media(), get: () => Promise.reject(new Error('disk on fire')) } as MediaStore)
    const app = createApp()
    const res = await app.fetch(new Request(new URL(hls, ORIGIN)), { platform: { ...platformFor(env), media: failing, mediaCache: undefined } })
    expect(res.status).toBe(503)
    const lines = logged.mock.calls.map((call) => call.map(String).join(' '))
    expect(lines.some((line) => line.includes('/media/t/***/'))).toBe(true)
    expect(lines.join('\n')).not.toContain(token)
  })
})
