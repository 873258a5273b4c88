import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, playMuted, screenshot } from '../support/browser'
import { operatorToken, readyVideo } from '../support/e2e-operator'
import { makeClip, makeSubtitles } from '../support/media'

/**
 * Downloads in Chromium against `npm start` (its transcoder included): an operator's 20 s film at 854×480 (renditions
 * 240p, 360p and 480p; English audio and subtitles), downloaded at 480p by members, each in a browser context of their
 * own (a device). With the network off (`context.setOffline`) the watch page and the film come from the device.
 * The full Chromium, not the suite's shared headless shell: the shell takes a Background Fetch and never starts it.
 */

const baseUrl = inject('baseUrl')
const mailUrl = inject('mailUrl')
const PASSWORD = 'downloads for the long flight'
let browser: Browser
let movie: { id: number; title: string }

interface Member {
  email: string
  token: string
  context: BrowserContext
  page: Page
}
const members: Member[] = []

async function api<T>(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, { ...init, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...init.headers } })
  return { status: res.status, body: (await res.json().catch(() => null)) as T }
}

/** A new member signed in on a new device (a browser context), its service worker installed and in control. */
async function member(options: { backgroundFetch?: boolean } = {}): Promise<Member> {
  const email = `downloader-${crypto.randomUUID().slice(0, 8)}@example.com`
  const signup = await fetch(`${baseUrl}/api/v1/auth/signup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) })
  const { token } = (await signup.json()) as { token: string }
  const context = await browser.newContext({
    storageState: { cookies: [{ name: 'session', value: token, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] },
  })
  // Without Background Fetch the page hands the worker its own resumable loop (what other browsers get).
  if (options.backgroundFetch === false) await context.addInitScript(() => delete (window as { BackgroundFetchManager?: unknown }).BackgroundFetchManager)
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  await page.goto(`${baseUrl}/movies/${movie.id}`, { waitUntil: 'domcontentloaded' })
  await page.waitForFunction(() => !!navigator.serviceWorker.controller)
  const made = { email, token, context, page }
  members.push(made)
  return made
}

/** Opens the film page's Download control, picks 480p and starts. */
async function download(page: Page, shot?: string) {
  const control = page.locator(`[data-download="${movie.id}"]`)
  // The app learns of a new video within 30 s (its ready-video map): until then the film page offers no download.
  for (let tries = 0; ; tries++) {
    await page.goto(`${baseUrl}/movies/${movie.id}`, { waitUntil: 'domcontentloaded' })
    if (await control.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => tries >= 15)) break
  }
  await control.locator('summary').click()
  await control.getByRole('radio', { name: /480p/ }).check()
  if (shot) await screenshot(page, shot)
  await control.locator('[data-download-form] button[type="submit"]').click()
}
const status = (page: Page) => page.locator(`[data-download="${movie.id}"] [data-download-status]`)

/** The film's download record on the device (IndexedDB `downloads`). */
function recordOf(page: Page): Promise<{ via: string; expires_at: string }> {
  return page.evaluate(
    (id) =>
      new Promise<{ via: string; expires_at: string }>((resolve, reject) => {
        const open = indexedDB.open('flixpeek-offline', 2)
        open.onsuccess = () => {
          const read = open.result.transaction('downloads').objectStore('downloads').get(id)
          read.onsuccess = () => resolve(read.result as { via: string; expires_at: string })
        }
        open.onerror = () => reject(open.error)
      }),
    movie.id,
  )
}
/** How the worker fetched the film's files: Background Fetch, or its own loop. */
const via = async (page: Page) => (await recordOf(page)).via

/** The position the worker keeps for the film while offline (IndexedDB kv `progress`), null when none. */
function keptProgress(page: Page): Promise<number | null> {
  return page.evaluate(
    (id) =>
      new Promise<number | null>((resolve, reject) => {
        const open = indexedDB.open('flixpeek-offline', 2)
        open.onsuccess = () => {
          const read = open.result.transaction('kv').objectStore('kv').get('progress')
          read.onsuccess = () => resolve((read.result as Record<string, { position: number }> | undefined)?.[id]?.position ?? null)
        }
        open.onerror = () => reject(open.error)
      }),
    movie.id,
  )
}

/** Changes the film's download record on the device (IndexedDB `downloads`), as time passing would. */
function changeRecord(page: Page, change: Record<string, unknown>): Promise<void> {
  return page.evaluate(
    ({ id, change }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('flixpeek-offline', 2)
        open.onsuccess = () => {
          const store = open.result.transaction('downloads', 'readwrite').objectStore('downloads')
          const read = store.get(id)
          read.onsuccess = () => {
            store.put({ ...read.result, ...change }).onsuccess = () => resolve()
          }
        }
        open.onerror = () => reject(open.error)
      }),
    { id: movie.id, change },
  )
}

/** The player's state, read through DevTools. */
async function player(page: Page): Promise<{ time: number; error: number | null; cues: string[] }> {
  return page.evaluate(() => {
    const video = document.querySelector('video')!
    const showing = Array.from(video.textTracks as unknown as ArrayLike<TextTrack>).filter((t) => t.mode === 'showing')
    const cues = showing.flatMap((t) => Array.from((t.cues ?? []) as unknown as ArrayLike<VTTCue>).map((cue) => cue.text))
    return { time: video.currentTime, error: video.error && video.error.code, cues }
  })
}

beforeAll(async () => {
  let operator: string
  let clip: string
  let subtitles: string
  ;[browser, operator, clip, subtitles, movie] = await Promise.all([
    launchBrowser(),
    operatorToken(baseUrl, mailUrl),
    makeClip({ seconds: 20, width: 854, height: 480, fps: 12, language: 'en' }),
    makeSubtitles({ seconds: 20, label: 'Offline line' }),
    fetch(`${baseUrl}/api/v1/movies/top_rated`).then(async (r) => ((await r.json()) as { results: { id: number; title: string }[] }).results[13]!),
  ])
  await readyVideo(baseUrl, operator, movie.id, readFileSync(clip), { en: readFileSync(subtitles, 'utf8') })
}, 150_000)
afterAll(async () => {
  for (const m of members) await m.context.close().catch(() => undefined)
  await browser?.close()
})

describe('downloading a film for offline viewing', () => {
  it('should download the film at 480p, list it on /downloads with its size, and play it offline from the start and from a seek position, with subtitles', async () => {
    const { page, context, token } = await member()
    await download(page, 'downloads-film-control')
    await expect.poll(() => status(page).textContent(), { timeout: 60_000 }).toMatch(/^Downloaded/)
    // Chromium has Background Fetch: the browser fetched the files itself.
    expect(await via(page)).toBe('background')

    // The server counts it for this device.
    const listed = await api<{ results: { movie_id: number; quality: string; size: number }[]; devices: unknown[] }>('/api/v1/me/downloads', token)
    expect(listed.body.results).toEqual([expect.objectContaining({ movie_id: movie.id, quality: '480p' })])
    expect(listed.body.devices).toHaveLength(1)

    await page.goto(`${baseUrl}/downloads`)
    const item = page.locator('.download-item', { hasText: movie.title })
    await expect.poll(() => item.textContent()).toMatch(/480p · [1-9]\d*(\.\d)? MB · expires /)
    await expect.poll(() => page.locator('[data-downloads-space]').textContent()).toMatch(/^Downloads use \d/)
    for (const [width, height] of [[390, 844], [1280, 800]] as const) {
      await page.setViewportSize({ width, height })
      await screenshot(page, `downloads-${width < 600 ? 'phone' : 'desktop'}-en`)
    }
    // And in Arabic (right to left) and Japanese: the member's language.
    await page.setViewportSize({ width: 390, height: 844 })
    for (const language of ['ar', 'ja']) {
      expect((await api('/api/v1/me', token, { method: 'PATCH', body: JSON.stringify({ language }) })).status).toBe(200)
      await page.reload()
      await expect.poll(() => item.textContent()).toMatch(/480p/)
      await screenshot(page, `downloads-phone-${language}`)
    }
    expect((await api('/api/v1/me', token, { method: 'PATCH', body: JSON.stringify({ language: 'en' }) })).status).toBe(200)
    await page.setViewportSize({ width: 1280, height: 720 })

    await context.setOffline(true)
    await page.goto(`${baseUrl}/watch/${movie.id}`, { waitUntil: 'domcontentloaded' })
    await page.locator('[data-player-settings]').waitFor({ state: 'visible' })
    await playMuted(page)
    await expect.poll(async () => (await player(page)).time, { timeout: 20_000 }).toBeGreaterThan(1)
    await expect.poll(async () => (await player(page)).cues.join(' '), { timeout: 20_000 }).toContain('Offline line')
    await page.evaluate(() => (document.querySelector('video')!.currentTime = 12))
    await expect.poll(async () => (await player(page)).time, { timeout: 20_000 }).toBeGreaterThan(13)
    expect((await player(page)).error).toBeNull()
    await screenshot(page, 'downloads-offline-watch')
    // Paused offline: the report is kept on the device (the newest per film) and sent once the network is back.
    await page.evaluate(() => document.querySelector('video')!.pause())
    await expect.poll(() => keptProgress(page)).toBeGreaterThan(12)

    // The offline page lists the downloaded film first.
    await page.goto(`${baseUrl}/nowhere-cached`, { waitUntil: 'domcontentloaded' })
    await expect.poll(() => page.locator('[data-offline-downloads] a').first().textContent()).toBe(movie.title)
    await context.setOffline(false)
    const resumable = async () => (await api<{ results: { id: number; position: number }[] }>('/api/v1/me/continue-watching', token)).body.results.find((film) => film.id === movie.id)?.position
    await expect.poll(resumable, { timeout: 30_000 }).toBeGreaterThan(12)
    await expect.poll(() => keptProgress(page)).toBeNull()
  })

  it('should warn before logout, then release the device on the server and remove the film from the device', async () => {
    const { page, email } = members[0]!
    await page.goto(`${baseUrl}/`)
    const dialog = page.waitForEvent('dialog')
    await page.locator('.account-menu summary').click()
    void page.getByRole('button', { name: 'Log out' }).click()
    const warning = await dialog
    expect(warning.message()).toMatch(/^Downloads on this device: 1 \([1-9]\d*(\.\d)? MB\)\. Logging out removes them\./)
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), warning.accept()])
    await expect.poll(() => page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('dl-')))).toEqual([])
    // Another session of the same account sees no download left (plain logout ended only the browser's session).
    const again = (await (await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) })).json()) as { token: string }
    expect((await api<{ results: unknown[] }>('/api/v1/me/downloads', again.token)).body.results).toEqual([])
  })

  it('should resume an interrupted download without fetching its finished files again, pause and resume it, renew it online, and stop playing once expired', async () => {
    const { page, context, token } = await member({ backgroundFetch: false })
    const fetched = new Map<string, number>()
    let allowed = 3
    let slow = false
    await context.route('**/media/d/**', async (route) => {
      const name = new URL(route.request().url()).pathname.replace(/^\/media\/d\/[^/]+\//, '')
      if (allowed <= 0) return route.abort('internetdisconnected')
      allowed--
      fetched.set(name, (fetched.get(name) ?? 0) + 1)
      if (slow) await new Promise((resolve) => setTimeout(resolve, 250))
      return route.continue()
    })
    await download(page)
    await expect.poll(() => status(page).textContent(), { timeout: 30_000 }).toMatch(/connection dropped/)
    expect([...fetched.keys()]).toHaveLength(3)

    // Back online, after a reload: the loop starts again where it stopped (slowed down, so Pause can be pressed).
    allowed = Infinity
    slow = true
    await page.reload({ waitUntil: 'domcontentloaded' })
    await expect.poll(() => status(page).textContent(), { timeout: 30_000 }).toMatch(/^Downloading/)
    await page.locator(`[data-download="${movie.id}"] [data-download-action="pause"]`).click()
    await expect.poll(() => status(page).textContent()).toBe('Paused')
    const whenPaused = fetched.size
    await page.waitForTimeout(1000)
    expect(fetched.size).toBe(whenPaused)
    slow = false
    await page.locator(`[data-download="${movie.id}"] [data-download-action="resume"]`).click()
    await expect.poll(() => status(page).textContent(), { timeout: 60_000 }).toMatch(/^Downloaded/)
    expect(await via(page)).toBe('loop')
    expect([...fetched.values()].every((times) => times === 1), JSON.stringify([...fetched])).toBe(true)
    expect(fetched.size).toBeGreaterThan(10)

    // Opened online a day after its last renewal: renewed on the server (a later expiry), and on the device.
    const expiry = async () => (await api<{ results: { expires_at: string }[] }>('/api/v1/me/downloads', token)).body.results[0]!.expires_at
    const before = await expiry()
    await changeRecord(page, { renewed_at: Date.now() - 2 * 24 * 3600 * 1000, expires_at: new Date(Date.now() + 3600 * 1000).toISOString() })
    await page.goto(`${baseUrl}/watch/${movie.id}`, { waitUntil: 'domcontentloaded' })
    await expect.poll(expiry).not.toBe(before)
    expect(Date.parse(await expiry())).toBeGreaterThan(Date.parse(before))
    await expect.poll(async () => Date.parse((await recordOf(page)).expires_at)).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000)

    // 30 days later (the record's expiry moved into the past): the worker refuses to play it and drops it.
    await changeRecord(page, { expires_at: new Date(Date.now() - 1000).toISOString() })
    await context.setOffline(true)
    await page.goto(`${baseUrl}/watch/${movie.id}`, { waitUntil: 'domcontentloaded' })
    await expect.poll(() => page.locator('[data-player-error]:not([hidden]) [data-error]:not([hidden])').getAttribute('data-error', { timeout: 1000 }).catch(() => null), { timeout: 20_000 }).toBe('expired')
    expect((await player(page)).time).toBe(0)
    await context.setOffline(false)
    await page.goto(`${baseUrl}/downloads`)
    await expect.poll(() => page.locator('[data-downloads-empty]').isVisible()).toBe(true)
  })

  it('should say when the device has too little space: before starting when the browser tells, else when a write fails', async () => {
    // Chromium's Background Fetch has no quota report of its own here: the worker's loop meets the full disk.
    const { page: first, context } = await member({ backgroundFetch: false })
    // The browser reports 9.8 kB free (its estimate, what the check reads): nothing starts.
    await first.addInitScript(() => {
      navigator.storage.estimate = () => Promise.resolve({ quota: 50_000, usage: 40_000 })
    })
    await download(first)
    await expect.poll(() => first.locator(`[data-download="${movie.id}"] [data-download-error]`).textContent()).toMatch(/^Not enough space on this device: this film needs .+, 9\.8 kB is free\.$/)
    expect(await first.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('dl-')))).toEqual([])
    await first.close()

    const page = await context.newPage()
    // Chromium enforces the overridden quota on writes; navigator.storage.estimate() still reports the disk's, so the
    // check before starting passes and the worker meets QuotaExceededError on its first write.
    const cdp = await context.newCDPSession(page)
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: baseUrl, quotaSize: 1000 })
    await download(page)
    await expect.poll(() => status(page).textContent()).toBe('This device ran out of space. Free some space, then resume.')
    expect(await page.locator(`[data-download="${movie.id}"] [data-download-action="resume"]`).isVisible()).toBe(true)
    const server = await api<{ results: unknown[] }>('/api/v1/me/downloads', members.at(-1)!.token)
    expect(server.body.results).toHaveLength(1)
  })

  it('should say so when the account already keeps downloads on five other devices (download_limit)', async () => {
    const { page, token } = await member()
    for (let n = 0; n < 5; n++) {
      const made = await api('/api/v1/me/downloads', token, { method: 'POST', body: JSON.stringify({ movie_id: movie.id, quality: '480p', device: `other-device-${n}-${crypto.randomUUID().slice(0, 8)}` }) })
      expect(made.status).toBe(201)
    }
    await download(page)
    await expect.poll(() => page.locator(`[data-download="${movie.id}"] [data-download-error]`).textContent()).toMatch(/^You have reached the download limit \(25 films on up to 5 devices\)/)
    expect(await page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('dl-')))).toEqual([])
  })

  it('should delete a film offline on /downloads, and release it on the server once back online', async () => {
    const { page, context, token } = await member({ backgroundFetch: false })
    await download(page)
    await expect.poll(() => status(page).textContent(), { timeout: 60_000 }).toMatch(/^Downloaded/)
    await page.goto(`${baseUrl}/downloads`)
    await context.setOffline(true)
    // The page itself comes from the worker's copy (it is kept like My List).
    await page.goto(`${baseUrl}/downloads`, { waitUntil: 'domcontentloaded' })
    const item = page.locator('.download-item', { hasText: movie.title })
    await item.getByRole('button', { name: new RegExp(`^Delete · `) }).click()
    await expect.poll(() => page.locator('[data-downloads-empty]').isVisible()).toBe(true)
    expect((await api<{ results: unknown[] }>('/api/v1/me/downloads', token)).body.results).toHaveLength(1)
    await context.setOffline(false)
    await expect.poll(async () => (await api<{ results: unknown[] }>('/api/v1/me/downloads', token)).body.results, { timeout: 15_000 }).toEqual([])
  })
})
