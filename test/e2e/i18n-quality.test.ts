import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seriousAxeViolations } from '../support/axe'
import { sharedBrowser, screenshot, withPage } from '../support/browser'

/**
 * Arabic (right to left) and Japanese in Chromium: axe finds no serious issue on home and a film page (and, in Arabic, its director's page), nothing
 * overflows sideways at phone width (desktop too with I18N_SHOTS=1), and the screenshots (test-results/i18n-*.png) show the glyphs.
 */

const baseUrl = inject('baseUrl')
/** Phone width in every run (where overflow shows first); desktop too with I18N_SHOTS=1, for screenshots to look at. */
const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  ...(process.env.I18N_SHOTS ? { desktop: { width: 1280, height: 900 } } : {}),
}
const SLOW = 240_000
let browser: Browser
let filmPath: string
/** The film's director's page (issue 39's people). */
let personPath: string

beforeAll(async () => {
  browser = await sharedBrowser()
  const search = (await (await fetch(`${baseUrl}/api/v1/movies/search?q=inception`)).json()) as { results: { id: number }[] }
  filmPath = `/movies/${search.results[0]!.id}`
  const film = (await (await fetch(`${baseUrl}/api/v1${filmPath}`)).json()) as { crew: { id: number }[] }
  personPath = `/people/${film.crew[0]!.id}`
})
afterAll(async () => {
  await browser?.close()
})

async function settle(page: Page) {
  await page.waitForFunction(() => 'htmx' in window)
  await page.evaluate(() => document.fonts.ready)
}

describe.each(['ar', 'ja'])('the site in %s', (language) => {
  it.each(Object.entries(VIEWPORTS))('has no serious axe violation and no sideways overflow on home, a film page and (Arabic) its director page at %s width', async (size, viewport) => {
    // One page load per page serves both checks. axe is injected as a script tag, which our CSP rightly refuses:
    // bypass it for the audit only.
    await withPage(browser, { viewport, bypassCSP: true, extraHTTPHeaders: { 'Accept-Language': language } }, async ({ page, problems }) => {
      // The director's page in Arabic only (right to left is where a new page's layout breaks first): about a second each.
      const pages: [string, string][] = [['home', '/'], ['film', filmPath], ...(language === 'ar' ? [['person', personPath] as [string, string]] : [])]
      for (const [name, path] of pages) {
        expect((await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' }))?.status()).toBe(200)
        await settle(page)
        expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([language, language === 'ar' ? 'rtl' : 'ltr'])
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} ${size}`).toBeLessThanOrEqual(viewport.width)
        await screenshot(page, `i18n-${language}-${name}-${size}`)
        expect(await seriousAxeViolations(page), `${name} ${size}`).toEqual([])
      }
      expect(problems.all()).toEqual([])
    })
  }, SLOW)
})
