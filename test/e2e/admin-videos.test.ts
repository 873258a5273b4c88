import type { Browser, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { screenshot, sharedBrowser, withPage } from '../support/browser'
import { makeClip } from '../support/media'
import { operatorToken } from '../support/e2e-operator'

/**
 * An operator's upload in Chromium through /admin/videos and public/assets/upload.js, against `npm start`
 * (test/support/global-e2e.ts runs it with ADMIN_EMAILS=operator@flixpeek.test and 5 MiB parts): the progress bar
 * moves, a reload in the middle leaves part 2 unsent, the page offers to resume, the same file picked again sends
 * only that part, and the video ends queued in the list.
 */

const baseUrl = inject('baseUrl')
const mailUrl = inject('mailUrl')
const PART = 5 * 1024 * 1024
let browser: Browser
let clip: string
let token: string
let movie: { id: number; title: string }

/** An element's text without the isolates upload.js puts around the values in its sentences. */
const plain = (text: string | null) => (text ?? '').replace(/[\u2068\u2069]/g, '')

async function json<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } })
  return { status: res.status, body: (await res.json().catch(() => null)) as T }
}

beforeAll(async () => {
  ;[browser, clip, token, movie] = await Promise.all([
    sharedBrowser(),
    // 30 s of 640×360 at 1.6 Mb/s: about 6.3 MB, two 5 MiB parts.
    makeClip({ seconds: 30, width: 640, height: 360, videoBitrate: '1600k' }),
    operatorToken(baseUrl, mailUrl),
    json<{ results: { id: number; title: string }[] }>('/api/v1/movies/top_rated').then((r) => r.body.results[7]!),
  ])
}, 120_000)
afterAll(async () => {
  await browser?.close()
})

describe('the video library in the browser', { timeout: 90_000 }, () => {
  it('should upload in parts with progress, survive a reload mid-upload and resume with only the missing part', async () => {
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async ({ page, problems }) => {
      page.setDefaultTimeout(20_000)
      await page.context().addCookies([{ name: 'session', value: token, url: baseUrl }])
      const sent: string[] = []
      page.on('request', (request) => {
        if (request.method() === 'PUT' && request.url().includes('/parts/')) sent.push(request.url().replace(/.*\/parts\//, 'part '))
      })
      // Part 2 is held until the page reloads: the upload is interrupted with part 1 stored.
      let held: Route | undefined
      const partTwo = '**/api/v1/admin/videos/*/parts/2'
      await page.route(partTwo, (route) => void (held = route))

      await page.goto(`${baseUrl}/admin/videos`, { waitUntil: 'domcontentloaded' })
      await page.fill('#upload-movie_id', String(movie.id))
      await page.fill('#upload-license', 'CC BY 4.0')
      await page.fill('#upload-credit', 'Flixpeek e2e')
      await page.setInputFiles('#upload-file', clip)
      const partOne = page.waitForResponse((res) => res.url().endsWith('/parts/1') && res.request().method() === 'PUT')
      await page.click('[data-upload-submit]')
      expect((await partOne).status()).toBe(200)
      // The bar and its live status moved; the new upload is already in the list.
      await expect.poll(() => page.locator('[data-upload-bar]').evaluate((bar) => (bar as HTMLProgressElement).value)).toBeGreaterThan(0)
      await expect.poll(async () => plain(await page.locator('[data-upload-status]').textContent())).toMatch(/Uploading clip-.*\.mp4: \d+\s?%/)
      const id = await page.evaluate(() => (JSON.parse(localStorage.getItem('flixpeek.uploads') ?? '[]') as { id: string }[])[0]?.id)
      expect(id).toMatch(/^[0-9A-Z]{26}$/)
      await expect(page.locator(`#video-${id}`).textContent()).resolves.toContain(movie.title)
      await expect.poll(() => held !== undefined).toBe(true)
      await screenshot(page, 'admin-videos-uploading')

      // Reload with part 2 still held (unrouting first would let it through), then drop it for good.
      await page.reload({ waitUntil: 'domcontentloaded' })
      await held?.abort().catch(() => undefined)
      await page.unroute(partTwo)
      sent.length = 0

      // After the reload: the page offers to resume, and wants the same file again.
      const resume = page.locator('[data-upload-resume]')
      await resume.waitFor()
      expect(plain(await resume.locator('[data-resume-text]').textContent())).toMatch(/The upload of clip-.*\.mp4 \(\d+(\.\d)? MB\) was interrupted/)
      await screenshot(page, 'admin-videos-resume')
      await page.setInputFiles('#resume-file', clip)
      await page.click('[data-resume-start]')
      await expect.poll(async () => plain(await page.locator('[data-upload-status]').textContent()), { timeout: 30_000 }).toMatch(/is uploaded and queued for transcoding/)
      expect(sent).toEqual(['part 2'])

      // The list shows it queued (the transcoder may already have picked it up), and nothing is left to resume.
      await page.locator(`#video-${id} .video-status:is(.status-queued, .status-transcoding, .status-ready)`).waitFor()
      expect(await page.evaluate(() => localStorage.getItem('flixpeek.uploads'))).toBeNull()
      const video = await json<{ results: { id: string; status: string; size: number; parts: { n: number; size: number }[] }[] }>('/api/v1/admin/videos', {
        headers: { Authorization: `Bearer ${token}` },
      })
      const uploaded = video.body.results.find((v) => v.id === id)!
      expect(uploaded.parts.map((p) => p.n)).toEqual([1, 2])
      expect(uploaded.parts[0]!.size).toBe(PART)
      expect(['queued', 'transcoding', 'ready']).toContain(uploaded.status)
      await screenshot(page, 'admin-videos-queued')
      // The aborted part 2 of the first attempt is the only failed request.
      expect(problems.all().filter((p) => !/parts\/2/.test(p))).toEqual([])
      // Done with it: deleted, the transcoder stops encoding it (at its next progress write) instead of spending
      // the suite's CPU on 30 s of video no test watches.
      expect((await json(`/api/v1/admin/videos/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } })).status).toBe(202)
    })
  })

  it('should take a small file through the plain form with JavaScript off (as Chromium encodes it)', async () => {
    const small = await makeClip({ seconds: 2, width: 320, height: 180 })
    await withPage(browser, { javaScriptEnabled: false }, async ({ page }) => {
      page.setDefaultTimeout(20_000)
      await page.context().addCookies([{ name: 'session', value: token, url: baseUrl }])
      await page.goto(`${baseUrl}/admin/videos`, { waitUntil: 'domcontentloaded' })
      await page.fill('#upload-movie_id', String(movie.id))
      await page.fill('#upload-license', 'CC0 1.0')
      await page.fill('#upload-label', 'Sent without JavaScript')
      await page.setInputFiles('#upload-file', small)
      await Promise.all([page.waitForURL(/\/admin\/videos\?notice=uploaded$/), page.click('[data-upload-submit]')])
      await expect(page.locator('.form-notice.success').textContent()).resolves.toContain('The video is uploaded and queued for transcoding.')
      const item = page.locator('.video-item', { hasText: 'Sent without JavaScript' })
      await item.waitFor()
      // npm start's transcoder takes it: reloading the page (no JavaScript, no polling) shows it ready.
      await expect
        .poll(async () => (await page.reload({ waitUntil: 'domcontentloaded' }), await item.locator('.video-status').textContent()), { timeout: 60_000, interval: 1000 })
        .toBe('Ready')
      await expect(item.textContent()).resolves.toContain('180p')
    })
  })
})
