import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { freePort } from '../../scripts/lib/processes'
import { startNodeServer, type NodeServer } from '../../src/main/node/server'
import { openPage, sharedBrowser, withPage } from '../support/browser'
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb'
import { waitForNodeStack } from '../support/global-node'

/**
 * The bundled catalog has no trailers, so this file runs its own copy of the app on TMDB data from the fake TMDB
 * server (film 11 has a YouTube trailer) and clicks the click-to-play facade. Its copy is the Node server, in this
 * process, on the `npm run start:node` stack's local servers: a second app configuration for the price of a server,
 * not of a whole stack (what the page does is the same on both runtimes: test/e2e/runtimes.test.ts).
 */

let tmdb: FakeTmdb
let stack: NodeServer
let browser: Browser

beforeAll(async () => {
  const [vars, fake] = await Promise.all([waitForNodeStack(inject('nodeStackDir')), startFakeTmdb()])
  tmdb = fake
  stack = await startNodeServer({
    port: await freePort(),
    host: '127.0.0.1',
    vars: {
      ...vars,
      CRON_SCHEDULER: 'off',
      TMDB_API_KEY: 'key-123',
      TMDB_BASE_URL: tmdb.url,
      // Images point at the fake server too (it answers 404): nothing leaves the machine.
      TMDB_IMAGE_BASE_URL: `${tmdb.url.replace(/\/3$/, '')}/images`,
    },
  })
  browser = await sharedBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await stack?.shutdown()
  await tmdb?.stop()
})

describe('trailer facade', () => {
  it('should load nothing from YouTube until the click, then swap in the privacy-enhanced player', async () => {
    const { page, close } = await openPage(browser)
    const youtubeRequests: string[] = []
    try {
      // Stand in for YouTube's player so the test stays offline; record every request that goes there.
      await page.route(/youtube(-nocookie)?\.com/, (route) => {
        youtubeRequests.push(route.request().url())
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>player</title>' })
      })
      await page.goto(`${stack.url}/movies/11`, { waitUntil: 'load' })
      await page.waitForFunction(() => 'htmx' in globalThis)
      const facade = page.locator('a.trailer-facade')
      expect(await facade.getAttribute('href')).toMatch(/^https:\/\/www\.youtube\.com\/watch\?v=[\w-]+$/)
      expect(await page.locator('iframe').count()).toBe(0)
      expect(youtubeRequests).toEqual([])

      await facade.click()
      const frame = page.locator('#trailer iframe.trailer-frame')
      await frame.waitFor()
      expect(await frame.getAttribute('src')).toMatch(/^https:\/\/www\.youtube-nocookie\.com\/embed\/[\w-]+\?autoplay=1$/)
      expect(await frame.getAttribute('title')).toBe('Trailer: Star Wars')
      expect(page.url()).toBe(`${stack.url}/movies/11`)
      expect(youtubeRequests.every((url) => url.startsWith('https://www.youtube-nocookie.com/embed/'))).toBe(true)
    } finally {
      await close()
    }
  })

  it('should credit TMDB in the footer', async () => {
    await withPage(browser, {}, async ({ page }) => {
      await page.goto(`${stack.url}/movies/11`, { waitUntil: 'domcontentloaded' })
      await expect(page.locator('.site-footer').textContent()).resolves.toContain(
        'This product uses the TMDB API but is not endorsed or certified by TMDB.',
      )
    })
  })
})
