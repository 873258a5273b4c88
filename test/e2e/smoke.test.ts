import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { sharedBrowser, screenshot, withPage } from '../support/browser'

const baseUrl = inject('baseUrl')
let browser: Browser

beforeAll(async () => {
  browser = await sharedBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('smoke: the app in Chromium against npm start', () => {
  it('should load the home page with a <main> and no console errors', async () => {
    await withPage(browser, {}, async ({ page, problems }) => {
      const response = await page.goto(`${baseUrl}/`, { waitUntil: 'load' })
      expect(response?.status()).toBe(200)
      expect(response?.headers()['content-type']).toContain('text/html')
      await expect(page.locator('main').count()).resolves.toBeGreaterThan(0)
      await screenshot(page, 'smoke-home')
      expect(problems.all()).toEqual([])
    })
  })

  it('should answer /healthz with ok through the dev server', async () => {
    const response = await fetch(`${baseUrl}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', checks: { dynamodb: 'ok' } })
  })
})
