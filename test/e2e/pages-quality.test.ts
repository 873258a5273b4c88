import { mkdirSync, writeFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seriousAxeViolations } from '../support/axe'
import { sharedBrowser, screenshot, withPage } from '../support/browser'

/** Accessibility (axe-core), screenshots at phone and desktop width, and the page-weight and layout-shift numbers. */

const baseUrl = inject('baseUrl')
const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1366, height: 900 } } as const
/** Several full page loads per test on a shared, busy machine: generous, and never a timing assertion. */
const SLOW = 240_000
let browser: Browser
let detailsPath: string

beforeAll(async () => {
  browser = await sharedBrowser()
  const search = (await (await fetch(`${baseUrl}/api/v1/movies/search?q=inception`)).json()) as { results: { id: number }[] }
  detailsPath = `/movies/${search.results[0]!.id}`
})
afterAll(async () => {
  await browser?.close()
})

const pages = () => [
  ['home', '/'],
  ['search', '/search?q=star'],
  ['details', detailsPath],
]

async function settle(page: Page) {
  await page.waitForFunction(() => 'htmx' in window)
  await page.evaluate(() => document.fonts.ready)
}

describe('accessibility', () => {
  it('should have no serious or critical axe violation on home, search and details', async () => {
    // axe is injected as a script tag, which our own CSP (script-src 'self') rightly refuses: bypass it for the audit only.
    await withPage(browser, { bypassCSP: true }, async ({ page }) => {
      for (const [name, path] of pages()) {
        await page.goto(`${baseUrl}${path}`, { waitUntil: 'domcontentloaded' })
        await settle(page)
        expect(await seriousAxeViolations(page), name).toEqual([])
      }
    })
  }, SLOW)

  it('should show a visible focus ring and a skip link that moves focus to the content', async () => {
    await withPage(browser, {}, async ({ page }) => {
      await page.goto(`${baseUrl}/`, { waitUntil: 'load' })
      await settle(page)
      await page.keyboard.press('Tab')
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)
      expect(outline).toBe('solid')
      await page.keyboard.press('Enter')
      await page.waitForURL(/#main$/)
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')
    })
  })
})

describe('look and weight', () => {
  it.each(Object.entries(VIEWPORTS))('should render home, search and details at %s width without console errors', async (size, viewport) => {
    {
      await withPage(browser, { viewport }, async ({ page, problems }) => {
        for (const [name, path] of pages()) {
          const response = await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' })
          expect(response?.status(), path).toBe(200)
          await settle(page)
          // Nothing may overflow sideways: the page scrolls only vertically (rows scroll inside themselves).
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} ${size}`).toBeLessThanOrEqual(viewport.width)
          await screenshot(page, `pages-${name}-${size}`)
        }
        expect(problems.all()).toEqual([])
      })
    }
  }, SLOW)

  it('should keep the home page small and its layout still while it loads (numbers in test-results/pages-metrics.json)', async () => {
    const home = await fetch(`${baseUrl}/`)
    const html = await home.text()
    const htmlBytes = new TextEncoder().encode(html).length
    expect(htmlBytes).toBeLessThan(60 * 1024)
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!)
    // htmx, app.js and the offline layer's page script (docs/offline.md), all deferred.
    expect(scripts).toHaveLength(3)
    const sizes: Record<string, number> = {}
    for (const src of scripts) {
      const res = await fetch(`${baseUrl}${src}`)
      expect(res.headers.get('Cache-Control'), src).toBe('public, max-age=31536000, immutable')
      sizes[src] = (await res.arrayBuffer()).byteLength
    }
    const ownJs = Object.fromEntries(Object.entries(sizes).filter(([src]) => !src.startsWith('/vendor/')).map(([src, bytes]) => [src.replace(/\?.*$/, ''), bytes]))
    expect(Object.keys(ownJs).sort()).toEqual(['/assets/app.js', '/assets/offline.js'])
    expect(ownJs['/assets/app.js']).toBeLessThanOrEqual(5.25 * 1024)
    expect(ownJs['/assets/offline.js']).toBeLessThanOrEqual(7 * 1024)

    const metrics: Record<string, unknown> = { htmlBytes, scriptBytes: sizes }
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await withPage(browser, { viewport }, async ({ page }) => {
        await page.goto(`${baseUrl}/`, { waitUntil: 'load' })
        await settle(page)
        const vitals = await page.evaluate(
          () =>
            new Promise<{ lcpMs: number; lcpElement: string; cls: number }>((resolve) => {
              let lcp = { startTime: 0, element: '' }
              let cls = 0
              new PerformanceObserver((list) => {
                for (const entry of list.getEntries() as (PerformanceEntry & { element?: Element })[]) {
                  lcp = { startTime: entry.startTime, element: entry.element ? `${entry.element.tagName.toLowerCase()}.${entry.element.className}` : '' }
                }
              }).observe({ type: 'largest-contentful-paint', buffered: true })
              new PerformanceObserver((list) => {
                for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
                  if (!entry.hadRecentInput) cls += entry.value
                }
              }).observe({ type: 'layout-shift', buffered: true })
              // Observers deliver buffered entries asynchronously; two frames later they have all arrived.
              requestAnimationFrame(() => requestAnimationFrame(() => resolve({ lcpMs: Math.round(lcp.startTime), lcpElement: lcp.element, cls })))
            }),
        )
        metrics[size] = vitals
        expect(vitals.cls, `CLS at ${size}`).toBeLessThan(0.1)
      })
    }
    mkdirSync('test-results', { recursive: true })
    writeFileSync('test-results/pages-metrics.json', `${JSON.stringify(metrics, null, 2)}\n`)
    console.log('pages metrics', JSON.stringify(metrics))
  }, SLOW)

  it('should run no endless animation on a page at rest, and move the progress bar only while htmx works', async () => {
    await withPage(browser, {}, async ({ page }) => {
      await page.goto(`${baseUrl}/`, { waitUntil: 'load' })
      await settle(page)
      // A page left open (a phone on the sofa) must not repaint for ever: fades end, nothing loops.
      const endless = () =>
        page.evaluate(() =>
          document
            .getAnimations()
            .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations === Infinity)
            .map((a) => (a instanceof CSSAnimation ? a.animationName : 'other')),
        )
      expect(await endless()).toEqual([])
      await page.evaluate(() => document.getElementById('progress')!.classList.add('htmx-request'))
      expect(await endless()).toEqual(['progress'])
    })
  })
})
