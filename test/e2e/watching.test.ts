import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { playMuted, screenshot, sharedBrowser, withPage } from '../support/browser'
import { seriousAxeViolations } from '../support/axe'
import { operatorToken, readyVideo } from '../support/e2e-operator'
import { makeClip, makeSubtitles } from '../support/media'

/**
 * Watching in Chromium against `npm start` (its transcoder included, media tokens of 20 s): an operator's 4 s clip
 * with English and Japanese audio and Japanese subtitles, made ready by the stack's transcoder (a 360p and a 240p
 * rendition). A member presses Play on the film page and the film plays in /watch/:id through hls.js, with its
 * settings, keys and a token renewed unseen; without JavaScript the browser's own player plays the progressive MP4.
 * A visitor is sent to the login page first.
 */

const baseUrl = inject('baseUrl')
const mailUrl = inject('mailUrl')
let browser: Browser
let movie: { id: number; title: string }
let viewerToken: string

async function json<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } })
  return { status: res.status, body: (await res.json().catch(() => null)) as T }
}

/** The player's position, read through DevTools (so it works with the page's JavaScript off too). */
async function position(page: Page): Promise<{ time: number; error: number | null }> {
  const cdp = await page.context().newCDPSession(page)
  const { result } = (await cdp.send('Runtime.evaluate', { expression: 'JSON.stringify({ time: player.currentTime, error: player.error && player.error.code })', returnByValue: true })) as { result: { value: string } }
  await cdp.detach()
  return JSON.parse(result.value) as { time: number; error: number | null }
}

beforeAll(async () => {
  let operator: string
  let clip: string
  let subtitles: string
  ;[browser, operator, clip, subtitles, movie, viewerToken] = await Promise.all([
    sharedBrowser(),
    operatorToken(baseUrl, mailUrl),
    makeClip({ seconds: 4, width: 640, height: 360, language: 'en', extraLanguages: ['ja'] }),
    makeSubtitles({ seconds: 4, label: '字幕' }),
    json<{ results: { id: number; title: string }[] }>('/api/v1/movies/top_rated').then((r) => r.body.results[11]!),
    json<{ token: string }>('/api/v1/auth/signup', { method: 'POST', body: JSON.stringify({ email: `watcher-${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'a long enough password' }) }).then((r) => r.body.token),
  ])
  await readyVideo(baseUrl, operator, movie.id, readFileSync(clip), { ja: readFileSync(subtitles, 'utf8') })
}, 120_000)
afterAll(async () => {
  await browser?.close()
})

// The viewer's pauses and seeks are reported as they would be (Resume); the player tests open the film from the start
// (`?from=start`) so that each begins at 0 whatever the one before left.
// Pages are awaited to DOMContentLoaded, then to the player's settings: a <video> holds the load event back until its
// metadata arrives (HTML's "delaying the load event"), which on a loaded machine can take long.
const signedIn = () => ({ storageState: { cookies: [{ name: 'session', value: viewerToken, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' as const }], origins: [] } })

describe('watching a film', () => {
  it('should play the film from the Play button of its page', async () => {
    await withPage(browser, signedIn(), async ({ page, problems }) => {
      await page.goto(`${baseUrl}/movies/${movie.id}`)
      const watch = page.waitForResponse((res) => res.url().endsWith(`/watch/${movie.id}`))
      await page.getByRole('link', { name: new RegExp(`^Play\\b`) }).click()
      const answer = await watch
      expect(answer.headers()['content-security-policy']).toMatch(/media-src 'self' blob: data:/)
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(movie.title)
      await page.locator('[data-player-settings]').waitFor({ state: 'visible' })
      await playMuted(page)
      await expect.poll(async () => (await position(page)).time, { timeout: 20_000 }).toBeGreaterThan(0.5)
      expect((await position(page)).error).toBeNull()
      await screenshot(page, 'watch-desktop')
      // Cancelled requests (net::ERR_ABORTED) are the browser's doing: leaving the film page drops its lazy posters,
      // and a <video> drops its own range requests as it reads ahead. Every other failure, error or CSP report counts.
      expect(problems.all().filter((problem) => !/ \(net::ERR_ABORTED\)$/.test(problem))).toEqual([])
    })
  })

  it('should stream the ladder through hls.js and switch audio, subtitles and quality; keys and media keys play, pause, seek and mute', async () => {
    await withPage(browser, signedIn(), async ({ page, problems }) => {
      // The Media Session's handlers, kept where the test can press them (the lock screen and headset buttons that
      // call them are not in a headless browser).
      await page.addInitScript(() => {
        const handlers: Record<string, MediaSessionActionHandler> = {}
        const session = navigator.mediaSession
        const original = session.setActionHandler.bind(session)
        session.setActionHandler = (action, handler) => {
          if (handler) handlers[action] = handler
          original(action, handler)
        }
        ;(window as unknown as { mediaKeys: typeof handlers }).mediaKeys = handlers
      })
      await page.goto(`${baseUrl}/watch/${movie.id}?from=start`, { waitUntil: 'domcontentloaded' })
      await page.locator('[data-player-settings]').waitFor({ state: 'visible' })
      expect(await page.evaluate(() => document.querySelector('video')!.currentSrc)).toMatch(/^blob:/)
      await playMuted(page)
      await expect.poll(async () => (await position(page)).time, { timeout: 20_000 }).toBeGreaterThan(0.3)

      const audio = page.locator('[data-control="audio"]')
      expect(await audio.locator('option').allTextContents()).toHaveLength(2)
      // Not only the Japanese playlist: its audio segments come and are played.
      const japaneseAudio = page.waitForResponse((res) => /\/v1\/a1\/[^/]+\.m4s$/.test(new URL(res.url()).pathname) && res.status() === 200)
      await audio.selectOption({ index: 1 })
      await japaneseAudio

      await page.locator('[data-control="subtitles"]').selectOption({ label: '日本語' })
      await expect.poll(() => page.evaluate(() => Array.from(document.querySelector('video')!.textTracks as unknown as ArrayLike<TextTrack>).filter((t) => t.mode === 'showing').map((t) => t.language))).toEqual(['ja'])

      await page.locator('h1').click()
      await page.keyboard.press('k')
      expect(await page.evaluate(() => document.querySelector('video')!.paused)).toBe(true)
      await page.keyboard.press('m')
      expect(await page.evaluate(() => document.querySelector('video')!.muted)).toBe(false)
      await page.keyboard.press(' ')
      expect(await page.evaluate(() => document.querySelector('video')!.paused)).toBe(false)

      // Media keys: pause, seek to a point, back, forward, play.
      const press = (action: string, details: object = {}) =>
        page.evaluate(([name, more]) => {
          ;(window as unknown as { mediaKeys: Record<string, MediaSessionActionHandler> }).mediaKeys[name]!({ action: name as MediaSessionAction, ...more })
          const video = document.querySelector('video')!
          return { paused: video.paused, time: video.currentTime }
        }, [action, details] as const)
      expect((await press('pause')).paused).toBe(true)
      expect((await press('seekto', { seekTime: 2.5 })).time).toBeCloseTo(2.5, 1)
      expect((await press('seekbackward', { seekOffset: 1 })).time).toBeCloseTo(1.5, 1)
      expect((await press('seekforward')).time).toBeCloseTo(4, 0) // 10 s on, held at the clip's end
      await press('seekto', { seekTime: 1 })

      // Quality, on the picture: after a choice, the frames shown come from the chosen rendition (hls.js drops what it
      // had buffered). 240p, then 360p: at least the second is a change, whichever rung Auto had reached.
      const height = () => page.evaluate(() => document.querySelector('video')!.videoHeight)
      const low = page.waitForRequest((request) => /\/v1\/v240\/seg_\d+\.m4s$/.test(new URL(request.url()).pathname))
      await page.locator('[data-control="quality"]').selectOption({ label: '240p' })
      await low
      expect((await press('play')).paused).toBe(false)
      await expect.poll(height, { timeout: 15_000 }).toBe(240)
      await press('pause')
      await press('seekto', { seekTime: 1 })
      await page.locator('[data-control="quality"]').selectOption({ label: '360p' })
      expect((await press('play')).paused).toBe(false)
      await expect.poll(height, { timeout: 15_000 }).toBe(360)
      expect((await position(page)).error).toBeNull()
      await screenshot(page, 'watch-hls-desktop')
      expect(problems.all().filter((problem) => !/ \(net::ERR_ABORTED\)$/.test(problem))).toEqual([])
    })
  })

  it('should renew the media token before it expires, and go on streaming under the new one', { timeout: 60_000 }, async () => {
    await withPage(browser, signedIn(), async ({ page, problems }) => {
      await page.goto(`${baseUrl}/watch/${movie.id}?from=start`, { waitUntil: 'domcontentloaded' })
      await page.locator('[data-player-settings]').waitFor({ state: 'visible' })
      const first = /\/media\/t\/([^/]+)\//.exec((await page.locator('video').getAttribute('data-hls'))!)![1]!
      // Half the token's 20 s life later, the page asks for a new one.
      const renewed = await page.waitForResponse((res) => res.url().endsWith(`/api/v1/movies/${movie.id}/playback`), { timeout: 20_000 })
      expect(renewed.status()).toBe(200)
      // Past the first token's expiry, what the player fetches next (the other audio track's playlist and segment,
      // never loaded yet) goes out under a renewed one (the page renews at half of each token's life) and is served.
      await page.waitForTimeout(11_000)
      const later = page.waitForResponse((res) => /\/v1\/a1\/[^/]+$/.test(new URL(res.url()).pathname))
      await page.locator('[data-control="audio"]').selectOption({ index: 1 })
      const answer = await later
      expect(answer.url()).toMatch(/\/media\/t\/[^/]+\//)
      expect(answer.url()).not.toContain(first)
      expect(answer.status()).toBe(200)
      expect(await page.locator('[data-player-error]').isHidden()).toBe(true)
      expect(problems.all().filter((problem) => !/ \(net::ERR_ABORTED\)$/.test(problem))).toEqual([])
    })
  })

  it('should leave every media request to the network, under the service worker too (no token URL in its caches)', async () => {
    await withPage(browser, signedIn(), async ({ page }) => {
      await page.goto(`${baseUrl}/watch/${movie.id}?from=start`, { waitUntil: 'domcontentloaded' })
      await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 })
      const viaWorker: [string, boolean][] = []
      page.on('response', (res) => {
        if (new URL(res.url()).pathname.startsWith('/media/')) viaWorker.push([new URL(res.url()).pathname.split('/').slice(4).join('/'), res.fromServiceWorker()])
      })
      await page.reload({ waitUntil: 'domcontentloaded' })
      await page.locator('[data-player-settings]').waitFor({ state: 'visible' })
      // The poster (an image request, which the worker would otherwise cache) and the playlists and segments.
      await expect.poll(() => viaWorker.map(([name]) => name).filter((name) => /poster\.jpg$|\.m4s$/.test(name)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2)
      expect(viaWorker.filter(([, worker]) => worker)).toEqual([])
    })
  })

  it('should be played with the keyboard alone through our control bar, and preview the timeline with trickplay thumbnails', async () => {
    await withPage(browser, signedIn(), async ({ page, problems }) => {
      await page.goto(`${baseUrl}/watch/${movie.id}?from=start`, { waitUntil: 'domcontentloaded' })
      await page.locator('[data-player-bar]').waitFor({ state: 'visible' })
      expect(await page.evaluate(() => document.querySelector('video')!.controls)).toBe(false)
      // Tab from the top of the page to the bar's Play button, then Enter: no pointer anywhere.
      const play = page.locator('[data-action="play"]')
      for (let presses = 0; presses < 60 && !(await play.evaluate((element) => element === document.activeElement)); presses++) await page.keyboard.press('Tab')
      expect(await play.evaluate((element) => element === document.activeElement)).toBe(true)
      await page.evaluate(() => (document.querySelector('video')!.muted = true))
      await page.keyboard.press('Enter')
      await expect.poll(async () => (await position(page)).time, { timeout: 20_000 }).toBeGreaterThan(0.3)
      expect(await play.getAttribute('aria-label')).toBe('Pause')
      await page.keyboard.press('Enter')
      expect(await page.evaluate(() => document.querySelector('video')!.paused)).toBe(true)
      expect(await play.getAttribute('aria-label')).toBe('Play')
      // The timeline: → forward 5 s (clamped to the clip's end), ← back, as in every language.
      const seek = page.locator('[data-control="seek"]')
      await seek.focus()
      await page.keyboard.press('ArrowRight')
      await expect.poll(async () => (await position(page)).time).toBeGreaterThan(3)
      await page.keyboard.press('ArrowLeft')
      await expect.poll(async () => (await position(page)).time).toBeLessThan(1)
      // Hovering the timeline shows the sprite of that moment (trickplay), under the page's token.
      await seek.hover({ position: { x: 10, y: 4 } })
      const thumb = page.locator('[data-thumb]')
      await thumb.waitFor({ state: 'visible' })
      expect(await thumb.evaluate((element) => (element as HTMLElement).style.backgroundImage)).toMatch(/\/media\/t\/[^/]+\/[0-9A-Z]{26}\/v1\/thumbs\/sprite_000\.jpg/)
      await screenshot(page, 'watch-bar-desktop')
      expect(problems.all().filter((problem) => !/ \(net::ERR_ABORTED\)$/.test(problem))).toEqual([])
    })
  })

  it('should play the progressive MP4 in the browser\'s own player with JavaScript off', async () => {
    await withPage(browser, { ...signedIn(), javaScriptEnabled: false }, async ({ page }) => {
      await page.goto(`${baseUrl}/watch/${movie.id}?from=start`, { waitUntil: 'domcontentloaded' })
      expect(await page.locator('video').getAttribute('src')).toMatch(/^\/media\/t\/[^/]+\/[0-9A-Z]{26}\/v1\/download\.mp4$/)
      // The native controls: a click on the picture plays it.
      await page.locator('video').click()
      await expect.poll(async () => (await position(page)).time, { timeout: 20_000 }).toBeGreaterThan(0.3)
      expect((await position(page)).error).toBeNull()
    })
  })

  it('should have no serious axe violation on the player page in English, Arabic and Japanese, at phone width', async () => {
    for (const language of ['en', 'ar', 'ja']) {
      expect((await json('/api/v1/me', { method: 'PATCH', headers: { Authorization: `Bearer ${viewerToken}` }, body: JSON.stringify({ language }) })).status).toBe(200)
      await withPage(browser, { ...signedIn(), bypassCSP: true, viewport: { width: 390, height: 844 } }, async ({ page }) => {
        await page.goto(`${baseUrl}/watch/${movie.id}?from=start`, { waitUntil: 'domcontentloaded' })
        await page.locator('[data-player-settings]').waitFor({ state: 'visible' })
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(language)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), language).toBeLessThanOrEqual(390)
        await screenshot(page, `watch-${language}-phone`)
        expect(await seriousAxeViolations(page), language).toEqual([])
      })
    }
  })

  it('should send a visitor to the login page first, with the player as where to go next', async () => {
    await withPage(browser, {}, async ({ page }) => {
      await page.goto(`${baseUrl}/watch/${movie.id}`)
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`/login?next=${encodeURIComponent(`/watch/${movie.id}`)}`)
    })
  })
})

describe('picking up where you stopped', () => {
  it('should resume where a member paused, show the film in Continue watching on another device, and drop it once watched to the end', { timeout: 60_000 }, async () => {
    const member = (await json<{ token: string }>('/api/v1/auth/signup', { method: 'POST', body: JSON.stringify({ email: `resumer-${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'a long enough password' }) })).body.token
    const as = () => ({ storageState: { cookies: [{ name: 'session', value: member, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' as const }], origins: [] } })
    const current = (page: Page) => page.evaluate(() => document.querySelector('video')!.currentTime)
    let stoppedAt = 0
    await withPage(browser, as(), async ({ page, problems }) => {
      await page.goto(`${baseUrl}/watch/${movie.id}`, { waitUntil: 'domcontentloaded' })
      await page.locator('[data-player-settings]').waitFor({ state: 'visible' })
      await playMuted(page)
      await expect.poll(() => current(page), { timeout: 20_000 }).toBeGreaterThan(1.5)
      const reported = page.waitForResponse((res) => res.url().endsWith(`/api/v1/me/progress/${movie.id}`) && res.request().method() === 'PUT')
      await page.keyboard.press('k')
      expect((await reported).status()).toBe(204)
      stoppedAt = JSON.parse((await reported).request().postData()!).position as number
      expect(stoppedAt).toBeGreaterThan(1.5)
      expect(problems.all().filter((problem) => !/ \(net::ERR_ABORTED\)$/.test(problem))).toEqual([])
    })
    // Another device of the same member: Continue watching on home, Resume on the film page, the player there.
    await withPage(browser, as(), async ({ page }) => {
      await page.goto(baseUrl)
      const row = page.getByRole('region', { name: 'Continue watching' })
      await expect.poll(() => row.getByRole('link', { name: new RegExp(movie.title) }).count()).toBeGreaterThan(0)
      expect(await row.getByRole('progressbar').first().getAttribute('value')).toBe(String(Math.round((stoppedAt / 4) * 100)))
      await page.goto(`${baseUrl}/movies/${movie.id}`)
      await page.getByRole('link', { name: /^Resume 0:0\d/ }).click()
      await page.locator('[data-player-settings]').waitFor({ state: 'visible' })
      await expect.poll(() => current(page), { timeout: 20_000 }).toBeGreaterThan(stoppedAt - 0.5)
      expect(await current(page)).toBeLessThan(stoppedAt + 0.5)
      // To the end: watched, so out of the row.
      const ended = page.waitForResponse((res) => res.url().endsWith(`/api/v1/me/progress/${movie.id}`) && JSON.parse(res.request().postData() ?? '{}').position > 3.6)
      await playMuted(page)
      expect((await ended).status()).toBe(204)
      await page.goto(baseUrl)
      expect(await page.getByRole('region', { name: 'Continue watching' }).count()).toBe(0)
      await page.goto(`${baseUrl}/movies/${movie.id}`)
      await expect.poll(() => page.locator('.watched-mark').textContent()).toContain('Watched')
    })
  })
})
