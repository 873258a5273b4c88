import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDevStack, type DevStack } from '../../scripts/dev'
import { freePort } from '../../scripts/lib/processes'
import { launchBrowser, openPage, withPage } from '../support/browser'
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb'

/**
 * The bundled catalog has no trailers, so this file runs its own copy of the app on TMDB data from
 * the fake TMDB server (film 11 has a YouTube trailer) and clicks the click-to-play facade.
 */

let tmdb: FakeTmdb
let stack: DevStack
let browser: Browser
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netflix-e2e-tmdb-'))
  tmdb = await startFakeTmdb()
  stack = await startDevStack({
    port: await freePort(),
    host: '127.0.0.1',
    dataDir: join(dir, 'data'),
    devVarsPath: join(dir, '.dev.vars'),
    // Images point at the fake server too (it answers 404): nothing leaves the machine.
    env: { TMDB_API_KEY: 'key-123', TMDB_BASE_URL: tmdb.url, TMDB_IMAGE_BASE_URL: `${tmdb.url.replace(/\/3$/, '')}/images` },
  })
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
  await tmdb?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
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
      await page.waitForFunction(() => 'htmx' in window)
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
