import { readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { expectedHashes } from '../../scripts/fingerprint-assets'
import { ASSET_HASHES, ASSETS } from '../../views/assets'

/** Our own static assets: fingerprinted (so they can be cached for a year) and small. */
describe('static assets', () => {
  it('references app.css and app.js by their current content hash', () => {
    // Fails after editing either file: run `npx tsx scripts/fingerprint-assets.ts`.
    expect(ASSET_HASHES).toEqual(expectedHashes())
  })

  it('serves the installed htmx under its versioned name', () => {
    const installed = JSON.parse(readFileSync('node_modules/htmx.org/package.json', 'utf8')) as { version: string }
    expect(ASSETS.htmx).toBe(`/vendor/htmx-${installed.version}.min.js`)
    expect(readFileSync(`public${ASSETS.htmx}`, 'utf8')).toBe(readFileSync('node_modules/htmx.org/dist/htmx.min.js', 'utf8'))
  })

  it('serves the installed hls.js (the full build) under its versioned name, for the player page only', () => {
    const installed = JSON.parse(readFileSync('node_modules/hls.js/package.json', 'utf8')) as { version: string }
    expect(ASSETS.hls).toBe(`/vendor/hls-${installed.version}.min.js`)
    expect(readFileSync(`public${ASSETS.hls}`, 'utf8')).toBe(readFileSync('node_modules/hls.js/dist/hls.min.js', 'utf8'))
  })

  it('keeps the player page\'s own script at or under 15 KB', () => {
    // Loaded by /watch only, beside hls.js (600 KB): the control bar, settings, keys, errors and the token's renewal;
    // 13 KB until downloads (a film kept on the device plays from it).
    expect(statSync('public/assets/player.js').size).toBeLessThanOrEqual(15 * 1024)
  })

  it('keeps our own JavaScript at or under 5.25 KB', () => {
    // 5 KB until the row edges moved to an IntersectionObserver (no forced layout at start-up).
    expect(statSync('public/assets/app.js').size).toBeLessThanOrEqual(5.25 * 1024)
  })

  it('keeps the offline layer small: the page script at or under 7 KB, each part of the worker at or under 17 KB, downloads.js at or under 12 KB', () => {
    // The page script loads (deferred) on every page, beside app.js; the worker's parts are fetched by the service
    // worker alone, once per version, never by a page. 5.5 KB until the third audit (M1, L1), 6.25 KB until downloads
    // (the logout warns of the films it removes). downloads.js loads only on film, watch, /downloads and offline pages.
    expect(statSync('public/assets/offline.js').size).toBeLessThanOrEqual(7 * 1024)
    for (const part of ['sw-core.js', 'sw-saved.js', 'sw-queue.js', 'sw-downloads.js', 'sw-downloaded.js']) expect(statSync(`public/assets/${part}`).size, part).toBeLessThanOrEqual(17 * 1024)
    expect(statSync('public/assets/downloads.js').size).toBeLessThanOrEqual(12 * 1024)
  })

  it('has the manifest icons at their stated sizes (PNG header) and its screenshots', () => {
    const pngSize = (path: string) => {
      const bytes = readFileSync(path)
      return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`
    }
    expect(pngSize('public/icons/icon-192.png')).toBe('192x192')
    expect(pngSize('public/icons/icon-512.png')).toBe('512x512')
    expect(pngSize('public/icons/icon-maskable-512.png')).toBe('512x512')
    expect(pngSize('public/icons/apple-touch-icon.png')).toBe('180x180')
    for (const shot of ['screenshot-wide.jpg', 'screenshot-narrow.jpg']) expect(statSync(`public/icons/${shot}`).size).toBeGreaterThan(1000)
  })

  it('caches /vendor and the fingerprinted files for a year through public/_headers', () => {
    const headers = readFileSync('public/_headers', 'utf8')
    for (const path of ['/vendor/*', '/assets/app.css', '/assets/app.js', '/assets/offline.js', '/assets/sw-core.js', '/assets/sw-saved.js', '/assets/sw-queue.js', '/assets/sw-downloads.js', '/assets/sw-downloaded.js', '/assets/downloads.js', '/assets/upload.js']) {
      expect(headers).toMatch(new RegExp(`^${path.replace(/[.*]/g, '\\$&')}\\n\\s+Cache-Control: public, max-age=31536000, immutable$`, 'm'))
    }
  })
})
