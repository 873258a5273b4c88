import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { ASSET_HASHES, ASSETS } from '../../views/assets'
import { en } from '../../src/i18n/messages/en'
import { SW_VERSION } from '../../src/offline/service-worker'
import { ORIGIN, api, signUp } from '../support/harness/accounts'

/** The installable app's server side (docs/offline.md): manifest, /sw.js, /offline, X-Viewer and what pages let the worker keep. */
const get = (path: string, cookie?: string) =>
  SELF.fetch(`${ORIGIN}${path}`, { headers: { Accept: 'text/html', ...(cookie ? { Cookie: `session=${cookie}` } : {}) }, redirect: 'manual' })

interface Manifest {
  name: string
  short_name: string
  description: string
  start_url: string
  display: string
  theme_color: string
  background_color: string
  icons: { src: string; sizes: string; purpose: string }[]
  screenshots: { src: string; form_factor: string; label: string }[]
}

describe('offline: server side', () => {
  it('should serve a manifest in the viewer language with standalone display, dark colours and 192/512 icons incl. a maskable one', async () => {
    const res = await get('/manifest.webmanifest')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/manifest\+json/)
    const manifest = (await res.json()) as Manifest
    expect(manifest).toMatchObject({
      name: en['manifest.name'],
      short_name: en['brand.name'],
      description: en['manifest.description'],
      start_url: '/?source=pwa',
      display: 'standalone',
      theme_color: '#141414',
      background_color: '#141414',
    })
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable'])
    expect(manifest.screenshots.map((s) => s.form_factor)).toEqual(['wide', 'narrow'])
    expect(manifest.screenshots.every((s) => s.label.length > 0)).toBe(true)
  })

  it('should link the manifest, theme colour, Apple touch icon, offline script and a polite offline banner from every page', async () => {
    const html = await (await get('/')).text()
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest"/>')
    expect(html).toContain('<meta name="theme-color" content="#141414"/>')
    expect(html).toContain('<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>')
    expect(html).toContain(`<script src="/assets/offline.js?v=${ASSET_HASHES.offline}" defer="">`)
    expect(html).toMatch(/<div id="offline-banner"[^>]*role="status"[^>]*aria-live="polite"[^>]*hidden/)
  })

  it('should serve /sw.js as a script under the pages CSP, naming this build and importing the versioned logic and the push hook', async () => {
    const res = await get('/sw.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/javascript/)
    expect(res.headers.get('Cache-Control')).toBe('no-cache')
    expect(res.headers.get('Content-Security-Policy')).toContain("connect-src 'self'")
    const script = await res.text()
    expect(script).toContain(`"version":"${SW_VERSION}"`)
    const parts = [ASSET_HASHES.sw, ASSET_HASHES.swSaved, ASSET_HASHES.swQueue, ASSET_HASHES.swDownloads, ASSET_HASHES.swDownloaded]
    const names = ['sw-core', 'sw-saved', 'sw-queue', 'sw-downloads', 'sw-downloaded']
    expect(script).toContain(`importScripts(${parts.map((hash, i) => `"/assets/${names[i]}.js?v=${hash}"`).join(', ')}, '/sw-push.js');`)
    // Every page script of the shell, by its hash (not the operators' uploader); the player and its progress reports
    // only once a film is downloaded (the `player` list: hls.js is 600 KB).
    const shell = JSON.parse(/self\.FLIXPEEK = (.*);/.exec(script)![1]!) as { shell: string[]; player: string[] }
    const notInShell = [...parts, ASSET_HASHES.upload, ASSET_HASHES.player, ASSET_HASHES.progress]
    for (const hash of Object.values(ASSET_HASHES).filter((h) => !notInShell.includes(h))) expect(shell.shell.join(' ')).toContain(`?v=${hash}`)
    expect(shell.player).toEqual([ASSETS.hls, ASSETS.player, ASSETS.progress])
    expect(script).toContain('"/offline"')
  })

  it('should render /offline for nobody in particular, even for a signed-in request (it is precached and shown to whoever is offline)', async () => {
    const { token } = await signUp({ display_name: 'Quiet Commuter' })
    const res = await get('/offline', token)
    expect(res.status).toBe(200)
    expect(res.headers.get('X-Viewer')).toBe('anonymous')
    const html = await res.text()
    expect(html).toContain(en['offline.title'])
    expect(html).toContain('id="offline-saved"')
    expect(html).not.toContain('Quiet Commuter')
  })

  it('should mark responses with X-Viewer: anonymous, or one stable opaque value per user', async () => {
    expect((await get('/')).headers.get('X-Viewer')).toBe('anonymous')
    const a = await signUp()
    const b = await signUp()
    const first = (await get('/', a.token)).headers.get('X-Viewer')
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(first).not.toContain(a.user.id)
    expect((await api('/me', { token: a.token })).headers.get('X-Viewer')).toBe(first)
    expect((await get('/', b.token)).headers.get('X-Viewer')).not.toBe(first)
  })

  it('should let My List and notifications be kept for offline reading (private, no-cache) while forms stay no-store', async () => {
    const { token } = await signUp()
    for (const path of ['/watchlist', '/notifications']) {
      const res = await get(path, token)
      expect(res.status).toBe(200)
      expect(res.headers.get('Cache-Control')).toBe('private, no-cache')
    }
    expect((await api('/me/notifications', { token })).headers.get('Cache-Control')).toBe('private, no-cache')
    expect((await get('/profile', token)).headers.get('Cache-Control')).toBe('no-store')
    expect((await get('/login')).headers.get('Cache-Control')).toBe('no-store')
  })
})
