import { chromium } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { HEADLESS_SHELL_ARGS, HEADLESS_SHELL_PATH } from './browser'

/**
 * One Chromium for every e2e file: each file connects to it (test/support/browser.ts's sharedBrowser) and works in
 * contexts of its own, which share nothing (cookies, storage, service workers). A file that needs a persistent profile
 * (test/e2e/offline.test.ts: installability) launches its own.
 */
export default async function setup(project: TestProject) {
  const server = await chromium.launchServer({ executablePath: HEADLESS_SHELL_PATH, headless: true, args: HEADLESS_SHELL_ARGS })
  project.provide('browserEndpoint', server.wsEndpoint())
  return () => server.close()
}
