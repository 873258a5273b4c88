import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { sharedBrowser, screenshot, withPage, type PageProblems } from '../support/browser'

/** A viewer's journey in Chromium: sign up, list a film from a card, rate it, log out and back in. */

const baseUrl = inject('baseUrl')
let browser: Browser

beforeAll(async () => {
  browser = await sharedBrowser()
})
afterAll(async () => {
  await browser?.close()
})

const realProblems = (problems: PageProblems) => problems.all().filter((p) => !p.includes('net::ERR_ABORTED'))
const uniqueEmail = () => `viewer-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`
const PASSWORD = 'popcorn and a good film'

async function signUpInBrowser(page: Page, email: string, displayName: string) {
  page.setDefaultTimeout(20_000)
  await page.goto(`${baseUrl}/signup`, { waitUntil: 'domcontentloaded' })
  await page.fill('#field-email', email)
  await page.fill('#field-password', PASSWORD)
  await page.fill('#field-display_name', displayName)
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/signup')), page.locator('form.auth-form button[type="submit"]').click()])
  await page.locator('.account-name', { hasText: displayName }).waitFor()
}

// Generous timeouts: several helpers share two cores while this suite runs.
describe('watchlist and reviews in the browser', { timeout: 240_000 }, () => {
  it('should sign up, add a film from a card, see it on My List, rate it, log out and log back in', async () => {
    const email = uniqueEmail()
    await withPage(browser, {}, async ({ page, problems }) => {
      await signUpInBrowser(page, email, 'Browser Critic')
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      await page.waitForFunction(() => 'htmx' in window)

      // Add to My List from the first card of the first row; htmx swaps the toggle in place.
      const toggle = page.locator('.row .card .watchlist-form.compact button[aria-pressed="false"]').first()
      const movieId = await toggle.getAttribute('data-movie-id')
      expect(movieId).toMatch(/^\d+$/)
      const title = (await page.locator(`.row .card:has(button[data-movie-id="${movieId}"]) .card-title`).first().textContent())?.trim()
      await toggle.click()
      await page.locator(`button[data-movie-id="${movieId}"][aria-pressed="true"]`).first().waitFor()
      expect(new URL(page.url()).pathname).toBe('/')
      await expect(page.locator('#live-status').textContent()).resolves.toContain('Added')

      // My List shows it.
      await page.goto(`${baseUrl}/watchlist`, { waitUntil: 'domcontentloaded' })
      await page.locator(`.watchlist-grid .card a[href="/movies/${movieId}"]`).waitFor()
      if (title) await expect(page.locator('.watchlist-grid .card-title').first().textContent()).resolves.toContain(title)
      await screenshot(page, 'watchlist-page')

      // Rate it on its page; htmx swaps the reviews section in place.
      await page.goto(`${baseUrl}/movies/${movieId}`, { waitUntil: 'domcontentloaded' })
      await page.waitForFunction(() => 'htmx' in window)
      await expect(page.locator('#watchlist-slot button.watchlist-toggle[aria-pressed="true"]').count()).resolves.toBe(1)
      await page.selectOption('#review-rating', '9')
      await page.fill('#review-text', 'Gripping from the first frame.')
      await page.locator('.review-form button[type="submit"]').click()
      await page.locator('#reviews-body .form-notice', { hasText: 'posted' }).waitFor()
      // The swap removed the focused button; keyboard focus stays in the reviews, on the notice.
      await page.waitForFunction(() => document.activeElement?.classList.contains('form-notice'))
      await expect(page.locator('#reviews-body .reviews-summary').textContent()).resolves.toContain('9.0')
      await screenshot(page, 'details-reviewed')

      // Log out through the account menu.
      await page.locator('.account-menu summary').click()
      await Promise.all([page.waitForURL(/.*/), page.locator('.account-menu button', { hasText: 'Log out' }).click()])
      await page.locator('.account a[href="/login"]').waitFor()
      await page.goto(`${baseUrl}/watchlist`, { waitUntil: 'domcontentloaded' })
      expect(new URL(page.url()).pathname).toBe('/login')

      // Log back in: sent on to My List, which still has the film; the review is still ours.
      await page.fill('#field-email', email)
      await page.fill('#field-password', PASSWORD)
      await Promise.all([page.waitForURL(/\/watchlist$/), page.locator('form.auth-form button[type="submit"]').click()])
      await page.locator(`.watchlist-grid .card a[href="/movies/${movieId}"]`).waitFor()
      await page.goto(`${baseUrl}/movies/${movieId}`, { waitUntil: 'domcontentloaded' })
      await expect(page.locator('#review-rating').inputValue()).resolves.toBe('9')
      await expect(page.locator('#review-text').inputValue()).resolves.toBe('Gripping from the first frame.')

      // Remove it in place on My List; the empty state appears.
      await page.goto(`${baseUrl}/watchlist`, { waitUntil: 'domcontentloaded' })
      await page.waitForFunction(() => 'htmx' in window)
      await page.locator(`.watchlist-grid button[data-movie-id="${movieId}"]`).click()
      await page.locator('#watchlist-empty', { hasText: 'Your list is empty' }).waitFor()
      expect(await page.locator('.watchlist-grid .card').count()).toBe(0)
      expect(realProblems(problems)).toEqual([])
    })
  })

  it('should keep every My List toggle for one film in step (the hero and its card in a row)', async () => {
    await withPage(browser, {}, async ({ page, problems }) => {
      await signUpInBrowser(page, uniqueEmail(), 'Two Buttons')
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      await page.waitForFunction(() => 'htmx' in window)
      const movieId = await page.locator('.hero .watchlist-toggle').getAttribute('data-movie-id')
      const hero = page.locator(`.hero button[data-movie-id="${movieId}"]`)
      const card = page.locator(`.row .card button[data-movie-id="${movieId}"]`).first()
      await expect(card.getAttribute('aria-pressed')).resolves.toBe('false')

      await card.click()
      await page.locator(`.row .card button[data-movie-id="${movieId}"][aria-pressed="true"]`).first().waitFor()
      await page.locator(`.hero button[data-movie-id="${movieId}"][aria-pressed="true"]`).waitFor()
      await expect(hero.getAttribute('title')).resolves.toMatch(/^Remove /)

      // The updated hero button now removes the film (it posts to the remove route, not the add one again).
      await hero.click()
      await page.locator(`.hero button[data-movie-id="${movieId}"][aria-pressed="false"]`).waitFor()
      await page.locator(`.row .card button[data-movie-id="${movieId}"][aria-pressed="false"]`).first().waitFor()
      const list = await page.request.get(`${baseUrl}/api/v1/me/watchlist`)
      expect(((await list.json()) as { results: { id: number }[] }).results.map((m) => m.id)).not.toContain(Number(movieId))
      expect(realProblems(problems)).toEqual([])
    })
  })

  it('should add to My List and rate with JavaScript off, as plain forms', async () => {
    await withPage(browser, { javaScriptEnabled: false }, async ({ page, problems }) => {
      await signUpInBrowser(page, uniqueEmail(), 'No Script')
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      // Not the first card: the other test rated that one.
      const href = await page.locator('.row .card .card-link').nth(3).getAttribute('href')
      await page.goto(`${baseUrl}${href}`, { waitUntil: 'domcontentloaded' })
      await Promise.all([page.waitForURL(`${baseUrl}${href}`), page.locator('#watchlist-slot button.watchlist-toggle[aria-pressed="false"]').click()])
      await expect(page.locator('#watchlist-slot button.watchlist-toggle[aria-pressed="true"]').count()).resolves.toBe(1)

      // No rating chosen: the server must answer with the field's error (the form is novalidate).
      await page.locator('.review-form button[type="submit"]').click()
      await page.locator('.field-error', { hasText: 'Choose a rating from 1 to 10.' }).waitFor()
      await page.selectOption('#review-rating', '6')
      await page.locator('.review-form button[type="submit"]').click()
      await page.waitForURL(new RegExp(`${href}#reviews$`))
      await expect(page.locator('#review-rating').inputValue()).resolves.toBe('6')
      await expect(page.locator('#reviews-body .reviews-summary').textContent()).resolves.toContain('6.0')
      // The rejected rating above is an honest 422, which Chromium logs; nothing else may go wrong.
      expect(realProblems(problems).filter((p) => !p.includes('status of 422'))).toEqual([])
    })
  })
})
