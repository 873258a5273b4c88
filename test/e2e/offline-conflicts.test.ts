import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { screenshot, sharedBrowser } from '../support/browser'

/**
 * Actions made offline and sent later (issue 41, "Offline rating conflicts"), in Chromium: the service worker queues a
 * mark-read and a rating, replays them when the page is back online with `X-Offline-At` (when each happened), and a
 * rating changed since then elsewhere is kept by the server, which the page's offline banner says. Playwright sees the
 * worker's own requests (request.serviceWorker()), so the replay's header is checked as sent.
 */

const baseUrl = inject('baseUrl')
const DRAIN = '/__scheduled?cron=*/5+*+*+*+*'
let browser: Browser
let context: BrowserContext
let page: Page

beforeAll(async () => {
  browser = await sharedBrowser()
  context = await browser.newContext()
  page = await context.newPage()
  page.setDefaultTimeout(20_000)
  // One account for the file, signed up over the API (the session cookie is its token).
  const email = `conflicts-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`
  const signup = await context.request.post(`${baseUrl}/api/v1/auth/signup`, { data: { email, password: 'rated on the train', display_name: 'Train Critic' } })
  expect(signup.status()).toBe(201)
  await context.addCookies([{ name: 'session', value: ((await signup.json()) as { token: string }).token, url: baseUrl }])
  // Installed here, so every page the tests open comes through the worker (which notes its viewer for the queue).
  await page.goto(`${baseUrl}/notifications`, { waitUntil: 'load' })
  await page.waitForFunction(() => !!navigator.serviceWorker.controller)
})

afterAll(async () => {
  await browser?.close()
})

afterEach(async (test) => {
  if (test.task.result?.state === 'fail') await screenshot(page, `failed-offline-conflicts-${test.task.name}`).catch(() => undefined)
  await context.setOffline(false)
})

/** Opens a page online and waits until the worker controls it, htmx is there and the worker knows this viewer. */
async function openOnline(path: string) {
  await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' })
  await page.waitForFunction(() => !!navigator.serviceWorker.controller && 'htmx' in window)
  // The viewer is noted with the page's copy (after the answer): a queued action carries it.
  await page.waitForFunction(async (key) => !!(await caches.match(key, { cacheName: 'pages' })), path)
}

/**
 * Goes offline, does `act` (an htmx form post, which the worker queues: the form is marked pending), then back online;
 * returns the worker's replay of it and when the action was made.
 */
async function offlineThenReplay(form: string, act: () => Promise<void>, urlPath: string, between?: () => Promise<void>) {
  await context.setOffline(true)
  const before = Date.now()
  await act()
  await page.locator(`${form} .pending-note`).waitFor()
  const after = Date.now()
  await between?.()
  const replayed = context.waitForEvent('request', (r: Request) => !!r.serviceWorker() && r.method() === 'POST' && new URL(r.url()).pathname === urlPath)
  await context.setOffline(false)
  const request = await replayed
  return { request, before, after }
}

/** The replay names the moment of the action (the worker's clock), not of the replay. */
async function expectOfflineAt(request: Request, before: number, after: number) {
  const at = Date.parse((await request.allHeaders())['x-offline-at'] ?? '')
  expect(at).toBeGreaterThanOrEqual(before - 1000)
  expect(at).toBeLessThanOrEqual(after)
}

const banner = (text: string) => page.locator('#offline-banner:not([hidden]) .offline-text', { hasText: text }).waitFor()
const ownReview = async (movieId: number) => {
  const res = await page.request.get(`${baseUrl}/api/v1/me/export`)
  return ((await res.json()) as { reviews: { movie_id: number; rating: number; text: string | null }[] }).reviews.find((r) => r.movie_id === movieId)
}
const film = async (index: number) => {
  const res = await page.request.get(`${baseUrl}/api/v1/movies/top_rated?page=2`)
  return ((await res.json()) as { results: { id: number }[] }).results[index]!.id
}

describe('offline actions and rating conflicts in Chromium', { timeout: 120_000 }, () => {
  it('should queue a notification marked read offline and send it, with X-Offline-At, when back online', async () => {
    const notifications = async () => (await (await page.request.get(`${baseUrl}/api/v1/me/notifications`)).json()) as { results: { id: string; type: string; read: boolean }[] }
    let welcome: { id: string; read: boolean } | undefined
    for (let i = 0; i < 60 && !welcome; i++) {
      await (await page.request.get(`${baseUrl}${DRAIN}`)).body()
      welcome = (await notifications()).results.find((n) => n.type === 'welcome')
      if (!welcome) await new Promise((resolve) => setTimeout(resolve, 500))
    }
    expect(welcome).toMatchObject({ read: false })
    await openOnline('/notifications')
    const item = `#notification-${welcome!.id}`
    const { request, before, after } = await offlineThenReplay(
      `${item} form`,
      () => page.locator(`${item} form button`).click(),
      `/notifications/${welcome!.id}/read`,
      // Queued, not sent: the server still has it unread.
      async () => expect((await notifications()).results.find((n) => n.id === welcome!.id)?.read).toBe(false),
    )
    await banner('has been sent')
    await expectOfflineAt(request, before, after)
    expect((await notifications()).results.find((n) => n.id === welcome!.id)?.read).toBe(true)
  })

  it('should queue a rating made offline and store it when back online', async () => {
    const movieId = await film(0)
    await openOnline(`/movies/${movieId}`)
    const { request, before, after } = await offlineThenReplay(
      '.review-form',
      async () => {
        await page.selectOption('#review-rating', '7')
        await page.locator('.review-form button[type="submit"]').click()
      },
      `/movies/${movieId}/reviews`,
      async () => expect(await ownReview(movieId)).toBeUndefined(),
    )
    await banner('has been sent')
    await expectOfflineAt(request, before, after)
    expect(await ownReview(movieId)).toMatchObject({ rating: 7 })
  })

  it('should keep a rating changed elsewhere after the offline one, and say so on the page', async () => {
    const movieId = await film(1)
    await openOnline(`/movies/${movieId}`)
    await offlineThenReplay(
      '.review-form',
      async () => {
        await page.selectOption('#review-rating', '3')
        await page.locator('.review-form button[type="submit"]').click()
      },
      `/movies/${movieId}/reviews`,
      // While this page is still offline, the same viewer rates the film again (another device, with the session).
      async () => {
        const newer = await page.request.put(`${baseUrl}/api/v1/movies/${movieId}/reviews`, { data: { rating: 9, text: 'On the phone' }, headers: { Origin: baseUrl } })
        expect(newer.status()).toBe(201)
      },
    )
    await banner('a newer rating was kept')
    await screenshot(page, 'offline-rating-kept-newer')
    expect(await ownReview(movieId)).toMatchObject({ rating: 9, text: 'On the phone' })
    await page.reload({ waitUntil: 'load' })
    await expect(page.locator('#review-rating').inputValue()).resolves.toBe('9')
  })
})
