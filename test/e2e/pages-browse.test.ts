import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { sharedBrowser, type PageProblems, withPage } from '../support/browser'

/** Browsing the pages in Chromium as a visitor would: live search, history, details, keyboard only, JavaScript off. */

const baseUrl = inject('baseUrl')
/** Several page loads per test on a shared, busy machine: generous, and never a timing assertion. */
const SLOW = 240_000
let browser: Browser

beforeAll(async () => {
  browser = await sharedBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** Problems on the page, less images a navigation cancelled on purpose (ERR_ABORTED is not an error). */
const realProblems = (problems: PageProblems) => problems.all().filter((p) => !p.includes('net::ERR_ABORTED'))

/** Marks the current document; the mark survives htmx swaps and is gone after a real page load. */
const markDocument = (page: Page) => page.evaluate(() => Object.assign(window, { __sameDocument: true }))
const isSameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true)

async function waitForHtmx(page: Page) {
  await page.waitForFunction(() => 'htmx' in window)
}

/** Presses Tab until the focused element matches `selector` (at most `limit` times). */
async function tabTo(page: Page, selector: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return
  }
  throw new Error(`Tab never reached ${selector}`)
}

describe('browsing with htmx', () => {
  it('should swap search results in as you type, update the URL, and restore the page on Back', async () => {
    await withPage(browser, {}, async ({ page, problems }) => {
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      await waitForHtmx(page)
      await expect(page.locator('#hero-title').count()).resolves.toBe(1)
      await markDocument(page)

      await page.locator('#q').pressSequentially('star', { delay: 40 })
      await page.waitForURL(/\/search\?q=star$/)
      await page.locator('#search-heading', { hasText: 'star' }).waitFor()
      expect(await page.locator('main .grid .card').count()).toBeGreaterThan(3)
      expect(await isSameDocument(page)).toBe(true)
      expect(await page.title()).toContain('star')
      await expect(page.locator('#live-status').textContent()).resolves.toMatch(/films? match/)

      await page.goBack()
      await page.waitForURL(`${baseUrl}/`)
      await page.locator('#hero-title').waitFor()
      expect(await page.locator('#search-heading').count()).toBe(0)
      // The restored page is not left in its loading state.
      expect(await page.locator('[aria-busy]').count()).toBe(0)
      expect(await page.locator('main section.row').count()).toBeGreaterThanOrEqual(6)

      await page.goForward()
      await page.waitForURL(/\/search\?q=star$/)
      await page.locator('#search-heading', { hasText: 'star' }).waitFor()
      expect(realProblems(problems)).toEqual([])
    })
  }, SLOW)

  it('should open a film from a poster in the results', async () => {
    await withPage(browser, {}, async ({ page, problems }) => {
      await page.goto(`${baseUrl}/search?q=star`, { waitUntil: 'domcontentloaded' })
      const first = page.locator('main .grid .card-link').first()
      const title = (await first.locator('.card-title').textContent())!.trim()
      await first.click()
      await page.waitForURL(/\/movies\/\d+$/)
      await expect(page.locator('#movie-title').textContent()).resolves.toContain(title)
      expect(await page.locator('.details-poster').count()).toBe(1)
      expect(realProblems(problems)).toEqual([])
    })
  }, SLOW)

  it('should load more genre rows on the home page and more films on a genre page as you scroll', async () => {
    await withPage(browser, {}, async ({ page, problems }) => {
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      await waitForHtmx(page)
      const rowsBefore = await page.locator('main section.row').count()
      await page.locator('.lazy-rows').first().scrollIntoViewIfNeeded()
      await page.waitForFunction((n) => document.querySelectorAll('main section.row').length > n, rowsBefore)

      await page.goto(`${baseUrl}/genres/18`, { waitUntil: 'domcontentloaded' })
      await waitForHtmx(page)
      const cardsBefore = await page.locator('.grid .card').count()
      await page.locator('.grid-more').scrollIntoViewIfNeeded()
      await page.waitForFunction((n) => document.querySelectorAll('.grid .card').length > n, cardsBefore)
      expect(realProblems(problems)).toEqual([])
    })
  }, SLOW)

  it('should get from search to a film with the keyboard alone', async () => {
    await withPage(browser, {}, async ({ page, problems }) => {
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      await waitForHtmx(page)
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link')
      await tabTo(page, '#q')
      await page.keyboard.type('star wars', { delay: 30 })
      await page.locator('#search-heading', { hasText: 'star wars' }).waitFor()
      await tabTo(page, 'main .grid .card-link')
      const href = await page.evaluate(() => document.activeElement?.getAttribute('href'))
      expect(href).toMatch(/^\/movies\/\d+$/)
      await page.keyboard.press('Enter')
      await page.waitForURL(`${baseUrl}${href}`)
      await page.locator('#movie-title').waitFor()

      // Rows: Tab reaches the cards, arrow keys move along a row.
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      await waitForHtmx(page)
      await tabTo(page, '.row-track .card-link')
      const firstHref = await page.evaluate(() => document.activeElement?.getAttribute('href'))
      await page.keyboard.press('ArrowRight')
      const secondHref = await page.evaluate(() => document.activeElement?.getAttribute('href'))
      expect(secondHref).toMatch(/^\/movies\/\d+$/)
      expect(secondHref).not.toBe(firstHref)
      expect(realProblems(problems)).toEqual([])
    })
  }, SLOW)
  it('should close the genre menu on Escape or a click elsewhere', async () => {
    await withPage(browser, {}, async ({ page, problems }) => {
      await page.goto(`${baseUrl}/genres/18`, { waitUntil: 'domcontentloaded' })
      await waitForHtmx(page)
      const menu = page.locator('details.genre-menu')
      await menu.locator('summary').click()
      expect(await menu.getAttribute('open')).not.toBeNull()
      await page.keyboard.press('Escape')
      expect(await menu.getAttribute('open')).toBeNull()
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Genres')
      await menu.locator('summary').click()
      await page.locator('#genre-heading').click()
      expect(await menu.getAttribute('open')).toBeNull()
      expect(realProblems(problems)).toEqual([])
    })
  }, SLOW)
})

describe('with JavaScript disabled', () => {
  it('should search with the form and open a film', async () => {
    await withPage(browser, { javaScriptEnabled: false }, async ({ page, problems }) => {
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      await page.locator('#q').fill('star')
      await page.keyboard.press('Enter')
      await page.waitForURL(/\/search\?q=star$/)
      await page.locator('#search-heading', { hasText: 'star' }).waitFor()
      const cards = page.locator('main .grid .card-link')
      expect(await cards.count()).toBeGreaterThan(3)
      await cards.first().click()
      await page.waitForURL(/\/movies\/\d+$/)
      await page.locator('#movie-title').waitFor()
      expect(await page.locator('.details-info .overview').count()).toBe(1)

      // The genre menu opens without JavaScript (a <details> disclosure).
      await page.locator('.genre-menu > summary').click()
      await page.locator('.genre-list a', { hasText: 'Drama' }).click()
      await page.waitForURL(/\/genres\/18$/)
      expect(await page.locator('.grid .card').count()).toBeGreaterThan(10)
      expect(await page.locator('.grid-more a[href="/genres/18?page=2"]').count()).toBe(1)
      expect(realProblems(problems)).toEqual([])
    })
  }, SLOW)
})
