/**
 * Chromium (Debian's, driven by playwright-core) for the e2e suite: launch, per-page error
 * recording, and screenshots under test-results/ (git-ignored).
 */
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { expect, inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The e2e project's one Chromium (a Playwright browser server); files connect with sharedBrowser(). */
    browserEndpoint: string
  }
}

/** Flags for both builds: no sandbox (root in CI), no GPU, and nothing that reaches out to Google's hosts. */
const COMMON_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Debian's full Chromium, headless (`--headless=new`: the whole browser, its UI compositor included). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--headless=new', ...COMMON_ARGS]

/**
 * Debian's chromium-headless-shell: the same Blink, V8 and network stack without the browser's own UI (what
 * Playwright runs for headless by default). A page load costs it less than half the CPU of the full browser's new
 * headless mode (docs/testing.md), which made Chromium half of everything `npm test` spent.
 */
export const HEADLESS_SHELL_PATH = process.env.CHROMIUM_HEADLESS_SHELL_PATH || '/usr/bin/chromium-headless-shell'
export const HEADLESS_SHELL_ARGS = COMMON_ARGS

/** A Chromium of the caller's own (scripts, and e2e files that must not share one). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
}

/**
 * The e2e project's one browser (test/support/global-browser.ts, the headless shell): a file's own connection to
 * it. Closing the connection closes the file's contexts, not the browser.
 */
export function sharedBrowser(): Promise<Browser> {
  return chromium.connect(inject('browserEndpoint'))
}

/** What went wrong on a page: console errors, uncaught exceptions, failed requests. */
export interface PageProblems {
  consoleErrors: string[]
  pageErrors: string[]
  failedRequests: string[]
  /** Everything above in one list, for `expect(all()).toEqual([])`. */
  all(): string[]
}

export function recordProblems(page: Page): PageProblems {
  const problems: PageProblems = {
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    all: () => [...problems.consoleErrors, ...problems.pageErrors, ...problems.failedRequests],
  }
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(`console: ${message.text()} (${message.location().url})`)
  })
  page.on('pageerror', (error) => problems.pageErrors.push(`page error: ${error.message}`))
  page.on('requestfailed', (request) => {
    problems.failedRequests.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`)
  })
  return problems
}

/** Starts the page's player muted (a headless browser allows muted autoplay only). */
export function playMuted(page: Page): Promise<void> {
  // A string: this module is type-checked without the DOM's types (tsconfig.node-runtime.json).
  return page.evaluate("(() => { const video = document.querySelector('video'); video.muted = true; return video.play() })()")
}

/** A fresh context + page with problem recording attached. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ page: Page; problems: PageProblems; close(): Promise<void> }> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  return { page, problems: recordProblems(page), close: () => context.close() }
}

/**
 * Runs `use` on a fresh page and always closes it; when `use` fails, the page is saved first
 * as test-results/failed-<test name>.png so the failure can be seen.
 */
export async function withPage(
  browser: Browser,
  options: BrowserContextOptions,
  use: (opened: { page: Page; problems: PageProblems }) => Promise<void>,
): Promise<void> {
  const { page, problems, close } = await openPage(browser, options)
  try {
    await use({ page, problems })
  } catch (error) {
    await screenshot(page, `failed-${expect.getState().currentTestName ?? 'test'}`).catch(() => undefined)
    throw error
  } finally {
    await close()
  }
}

const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-results')

/** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
