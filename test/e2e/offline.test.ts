import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH, screenshot } from '../support/browser'

/**
 * The installable, offline-capable app in Chromium (docs/offline.md): the service worker keeps pages for
 * offline reading, shows /offline for the others, queues actions made offline, forgets a viewer's
 * private copies at logout, and a new build replaces the shell. Headless Chromium has no Background
 * Sync: the page asks for the replay itself (on `online` and on load), which is what this exercises.
 */

const baseUrl = inject('baseUrl')
const PASSWORD = 'offline and still watching'
let context: BrowserContext | undefined
let dir: string | undefined
let page: Page

/**
 * One persistent profile for the suite, in order (install, offline reading, update): installability
 * is only judged outside incognito, which plain contexts are, and one install saves a browser start.
 * The full Chromium, not the suite's shared headless shell: the shell answers "no installability
 * errors" for any page, even an SVG file, where the full browser really checks the manifest.
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flixpeek-offline-'))
  context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  })
  page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(20_000)
})

afterAll(async () => {
  await context?.close().catch(() => undefined)
  if (dir) rmSync(dir, { recursive: true, force: true })
})

afterEach(async (test) => {
  if (test.task.result?.state === 'fail') await screenshot(page, `failed-offline-${test.task.name}`).catch(() => undefined)
})

/** Loads a page and waits until the service worker controls it (the first visit installs it). */
async function controlled(path: string) {
  await page.goto(`${baseUrl}${path}`, { waitUntil: 'domcontentloaded' })
  await page.waitForFunction(() => !!navigator.serviceWorker.controller)
}

/** Visits a page online and waits until the worker has stored it (stored after the response is sent). */
async function visitAndKeep(path: string) {
  await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' })
  await page.waitForFunction(async (key) => !!(await caches.match(key, { cacheName: 'pages' })), path)
}

/** Signs a new account up through the form (the worker installed first). */
async function signUpHere(name: string) {
  await controlled('/signup')
  await page.fill('#field-email', `${name.split(' ')[0]!.toLowerCase()}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`)
  await page.fill('#field-password', PASSWORD)
  await page.fill('#field-display_name', name)
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/signup')), page.locator('form.auth-form button[type="submit"]').click()])
}

const bannerText = () => page.locator('#offline-banner:not([hidden]) .offline-text').textContent()

/** The X-Viewer of every private copy the worker holds. */
const storedViewers = () =>
  page.evaluate(async () => {
    const viewers: string[] = []
    for (const name of ['pages', 'saved', 'api']) {
      const cache = await caches.open(name)
      for (const key of await cache.keys()) viewers.push((await cache.match(key))?.headers.get('X-Viewer') ?? 'none')
    }
    return viewers
  })

describe('offline in Chromium', { timeout: 120_000 }, () => {
  it('should be installable: a manifest with icons and a service worker that controls the page', async () => {
    await controlled('/')
    const cdp = await page.context().newCDPSession(page)
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] }
    expect(installabilityErrors).toEqual([])
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string }
    expect(manifest.url).toBe(`${baseUrl}/manifest.webmanifest`)
    expect(manifest.errors).toEqual([])
    await cdp.detach()
  })

  it('should read saved pages offline, show /offline for others, queue an add, and forget private copies at logout', async () => {
    await signUpHere('Train Rider')

    // Online: home, two film pages (one goes on the list) and My List.
    await visitAndKeep('/')
    const [listed, later, unvisited] = await page.locator('.row .card .card-link').evaluateAll((links) =>
      [...new Set(links.map((a) => a.getAttribute('href')!))].slice(0, 3),
    )
    expect(unvisited).toMatch(/^\/movies\/\d+$/)
    const laterId = Number(later!.split('/').pop())
    await page.request.put(`${baseUrl}/api/v1/me/watchlist/${listed!.split('/').pop()}`, { headers: { Origin: baseUrl } })
    await visitAndKeep(listed!)
    await visitAndKeep(later!)
    await visitAndKeep('/watchlist')
    await expect(page.locator(`.watchlist-grid a[href="${listed}"]`).count()).resolves.toBeGreaterThan(0)

    // The device switch on My List saves its films' pages (kept apart from the evictable page cache).
    const inSaved = (path: string) => page.evaluate(async (key) => !!(await caches.match(key, { cacheName: 'saved' })), path)
    await page.locator('[data-offline-save-list]').check()
    await page.waitForFunction(() => (document.querySelector('[data-offline-save-list]') as HTMLInputElement).checked)
    await visitAndKeep('/watchlist')
    await expect.poll(() => inSaved(listed!), { timeout: 10_000 }).toBe(true)
    // "Save for offline" on a film page.
    await page.goto(`${baseUrl}${later}`, { waitUntil: 'load' })
    await page.locator('[data-offline-save]').click()
    await page.locator('[data-offline-save][aria-pressed="true"]', { hasText: 'Saved for offline' }).waitFor()
    await expect.poll(() => inSaved(later!), { timeout: 10_000 }).toBe(true)

    // Offline: each reloads from this device, with the banner.
    await page.context().setOffline(true)
    for (const [path, heading] of [['/', '.hero'], [listed!, '#watchlist-slot'], ['/watchlist', '#watchlist-heading']] as const) {
      await page.goto(`${baseUrl}${path}`, { waitUntil: 'domcontentloaded' })
      await page.locator(heading).first().waitFor()
      await expect(bannerText()).resolves.toContain('You are offline')
    }
    await expect(page.locator(`.watchlist-grid a[href="${listed}"]`).count()).resolves.toBeGreaterThan(0)
    await screenshot(page, 'offline-watchlist-copy')

    // A film page never opened: the network really is gone, so /offline lists what is saved.
    await page.goto(`${baseUrl}${unvisited}`, { waitUntil: 'domcontentloaded' })
    await page.locator('#offline-heading', { hasText: 'You are offline' }).waitFor()
    const saved = await page.locator('#offline-saved a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
    expect(saved).toEqual(expect.arrayContaining(['/', listed, later, '/watchlist']))
    expect(saved).not.toContain(unvisited)
    await screenshot(page, 'offline-page')

    // Add a film while offline: queued, marked pending at once.
    await page.goto(`${baseUrl}${later}`, { waitUntil: 'domcontentloaded' })
    await page.waitForFunction(() => 'htmx' in window)
    await page.locator('#watchlist-slot .watchlist-toggle[aria-pressed="false"]').click()
    await page.locator('#watchlist-slot .pending-note').waitFor()
    await expect(page.locator('#watchlist-slot .pending-note').textContent()).resolves.toContain('Pending')

    // Back online: sent on `online`; a reload (which asks again) must not add it twice.
    await page.context().setOffline(false)
    await page.locator('#offline-banner .offline-text', { hasText: 'has been sent' }).waitFor()
    await page.reload({ waitUntil: 'load' })
    await page.locator('#watchlist-slot .watchlist-toggle[aria-pressed="true"]').waitFor()
    const list = (await (await page.request.get(`${baseUrl}/api/v1/me/watchlist`)).json()) as { results: { id: number }[] }
    expect(list.results.filter((m) => m.id === laterId)).toHaveLength(1)
    expect(await page.evaluate(async () => (await caches.keys()).includes('pages'))).toBe(true)

    // Logout: the next page says "anonymous", and the worker drops every private copy.
    expect((await storedViewers()).some((v) => v !== 'anonymous')).toBe(true)
    await page.locator('.account-menu summary').click()
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.locator('.account-menu button', { hasText: 'Log out' }).click()])
    await page.locator('.account a[href="/login"]').waitFor()
    await expect.poll(() => storedViewers(), { timeout: 10_000 }).not.toContainEqual(expect.not.stringMatching(/^anonymous$/))
    // Clear-Site-Data took the worker and every copy with it; the page after the logout brings the worker back, empty.
    await page.waitForFunction(() => !!navigator.serviceWorker.controller)
    await page.context().setOffline(true)
    await page.goto(`${baseUrl}/watchlist`, { waitUntil: 'domcontentloaded' })
    await page.locator('#offline-heading').waitFor()
    await expect(page.locator('body').textContent()).resolves.not.toContain('Train Rider')
  })

  it('should not queue a cross-site form posted while offline: the replay would carry the session (audit 3, M1)', async () => {
    await page.context().setOffline(false)
    await signUpHere('Cross Rider')
    await visitAndKeep('/')
    // Another site's page with a form aimed at this one (served by the test: its origin is all that matters).
    const attacker = 'http://attacker.test/'
    await page.context().route(`${attacker}**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<form method="post" action="${baseUrl}/movies/550/reviews"><input name="rating" value="1"><input name="text" value="planted"><button>go</button></form>`,
      }),
    )
    const queuedActions = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('flixpeek-offline', 2)
            open.onerror = () => reject(open.error)
            open.onsuccess = () => {
              const count = open.result.transaction('queue').objectStore('queue').count()
              count.onsuccess = () => resolve(count.result)
            }
          }),
      )
    try {
      await page.goto(attacker, { waitUntil: 'load' })
      await page.context().setOffline(true)
      await Promise.all([page.waitForURL((url) => url.href.startsWith(baseUrl)), page.locator('button').click()])
      // Not queued: the offline page, not a redirect back to the other site.
      await page.locator('#offline-heading').waitFor()
      await page.goto(`${baseUrl}/`, { waitUntil: 'domcontentloaded' })
      expect(await queuedActions()).toBe(0)
    } finally {
      await page.context().unroute(`${attacker}**`)
      await page.context().setOffline(false)
      await page.context().clearCookies()
    }
  })

  it('should never show a private copy on a slow network, only on a failed one: the session may have ended elsewhere (audit 3, L1)', async () => {
    await page.context().setOffline(false)
    await signUpHere('Slow Rider')
    await visitAndKeep('/watchlist')
    // The session ends without this device's logout (another device's "sign out everywhere"): the worker still
    // knows this viewer, and the network answers only after the worker's 3 s timeout.
    await page.context().clearCookies()
    await page.context().route('**/watchlist', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 4500))
      await route.continue()
    })
    try {
      await page.goto(`${baseUrl}/watchlist`, { waitUntil: 'domcontentloaded', timeout: 30_000 })
      // Slow is not down: the worker waited for the network, which sends a visitor to log in.
      expect(new URL(page.url()).pathname).toBe('/login')
      expect(await page.locator('html').getAttribute('data-saved-copy')).toBeNull()
      await expect(page.locator('body').textContent()).resolves.not.toContain('Slow Rider')
    } finally {
      await page.context().unroute('**/watchlist')
    }
  })

  it('should purge private copies, saved pages, the list switch and queued actions at logout where Clear-Site-Data is ignored (audit 3, L1)', async () => {
    // Either way on its own: the logout form's script (the purge cookie withheld), or the next page's (the form sent
    // without its script, by form.submit(), which fires no submit event).
    for (const way of ['form script', 'next page'] as const) {
      await page.context().setOffline(false)
      await signUpHere('Shared Rider')
      await visitAndKeep('/watchlist')
      // What "Save for offline", the list switch and an action made offline leave on the device.
      await page.evaluate(async () => {
        await (await caches.open('saved')).put('/watchlist', (await caches.match('/watchlist', { cacheName: 'pages' }))!)
        const db = await new Promise<IDBDatabase>((resolve) => (indexedDB.open('flixpeek-offline', 2).onsuccess = (e) => resolve((e.target as IDBOpenDBRequest).result)))
        const t = db.transaction(['kv', 'queue'], 'readwrite')
        for (const [key, value] of [['saved', ['/watchlist']], ['saveList', true], ['listFilms', ['/movies/550']]] as const) t.objectStore('kv').put(value, key)
        t.objectStore('queue').add({ method: 'POST', url: '/watchlist/550', body: '', type: '', viewer: 'x', at: Date.now() })
        await new Promise((resolve) => (t.oncomplete = resolve))
      })
      // A browser that ignores Clear-Site-Data (the cookie jar already took the response's cookies).
      await page.context().route('**/logout', async (route) => {
        const response = await route.fetch({ maxRedirects: 0 })
        if (way === 'form script') await page.context().clearCookies({ name: 'purge' })
        const headers = Object.fromEntries(Object.entries(response.headers()).filter(([name]) => name !== 'clear-site-data' && name !== 'set-cookie'))
        await route.fulfill({ response, headers })
      })
      try {
        await page.locator('.account-menu summary').click()
        const logout = page.locator('.account-menu button', { hasText: 'Log out' })
        await Promise.all([page.waitForURL(`${baseUrl}/`), way === 'form script' ? logout.click() : logout.evaluate((b) => b.closest('form')!.submit())])
        await page.locator('.account a[href="/login"]').waitFor()
        const device = () =>
          page.evaluate(async () => {
            const db = await new Promise<IDBDatabase>((resolve) => (indexedDB.open('flixpeek-offline', 2).onsuccess = (e) => resolve((e.target as IDBOpenDBRequest).result)))
            const read = (store: string, work: (s: IDBObjectStore) => IDBRequest) => new Promise((resolve) => (work(db.transaction(store).objectStore(store)).onsuccess = (e) => resolve((e.target as IDBRequest).result)))
            const viewer = await read('kv', (s) => s.get('viewer'))
            const kv = ((await read('kv', (s) => s.getAllKeys())) as string[]).filter((key) => key !== 'viewer' || viewer !== 'anonymous')
            const shell = (await caches.keys()).some((name) => name.startsWith('shell-'))
            return { kv, queued: await read('queue', (s) => s.count()), shell, saved: (await (await caches.open('saved')).keys()).length }
          })
        await expect.poll(device, { timeout: 10_000 }).toEqual({ kv: [], queued: 0, shell: true, saved: 0 })
        expect(await storedViewers()).not.toContainEqual(expect.not.stringMatching(/^anonymous$/))
      } finally {
        await page.context().unroute('**/logout')
      }
    }
  })

  it('should offer "Reload to update" for a new build and then run on its shell alone', async () => {
    await page.context().setOffline(false)
    await controlled('/')
    const before = await page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith('shell-')))
    expect(before).toHaveLength(1)

    // A new deploy: every fingerprinted asset gets a new hash, so /sw.js names a new version and shell. A
    // browser's update check cannot be intercepted, so a development-only cookie makes the app serve that
    // script (src/offline/api.ts).
    const current = await (await page.request.get(`${baseUrl}/sw.js`)).text()
    await page.context().addCookies([{ name: 'sw_test_build', value: 'next', url: baseUrl }])
    const next = await (await page.request.get(`${baseUrl}/sw.js`)).text()
    const version = /"version":"(\w+)"/.exec(current)![1]
    expect(next).toContain(`"version":"${version}next"`)
    expect(next.replace(/next/g, '')).toBe(current)
    await page.evaluate(async () => (await navigator.serviceWorker.ready).update())
    await page.locator('#offline-banner button', { hasText: 'Reload to update' }).waitFor()
    await screenshot(page, 'offline-update-offer')
    await Promise.all([page.waitForEvent('load'), page.locator('#offline-banner button').click()])

    await page.waitForFunction(() => !!navigator.serviceWorker.controller)
    const shells = await page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith('shell-')))
    expect(shells).toEqual([`${before[0]}next`])
    const shellFiles = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search), shells[0]!)
    expect(shellFiles.filter((f) => f.includes('?v=')).every((f) => f.endsWith('next'))).toBe(true)

    // Offline, a page still gets this version's stylesheet and scripts (no mix with the old shell, which is gone).
    await page.context().setOffline(true)
    await page.reload({ waitUntil: 'load' })
    await expect(page.evaluate(() => getComputedStyle(document.body).backgroundColor)).resolves.toBe('rgb(20, 20, 20)')
    await page.waitForFunction(() => 'htmx' in window)
  })
})
