import { ASSET_HASHES, ASSETS, ICONS } from '../../views/assets'
import { SESSION_TTL_SECONDS } from '../auth/tokens'

/**
 * The text of `GET /sw.js`: a few lines naming this build's version and app shell, then the logic
 * (public/assets/sw-core.js, sw-saved.js, sw-queue.js, sw-downloads.js and sw-downloaded.js, fingerprinted like every asset) and the Web Push hook (public/sw-push.js)
 * through importScripts. The browser compares /sw.js byte for byte on every navigation, so any
 * changed asset hash gives a new version: the new worker precaches the new shell under its own cache
 * and deletes the old one when it takes over.
 */

/** FNV-1a (32 bit): a short, stable name for a set of content hashes (no crypto needed, they are hashes already). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

/** The offline fallback page, precached with the shell. */
export const OFFLINE_PATH = '/offline'

/** What the worker precaches: the page shell's files and the offline page (htmx carries its version in its name). */
export const SHELL = [ASSETS.css, ASSETS.js, ASSETS.offline, ASSETS.downloads, ASSETS.htmx, '/favicon.svg', ...Object.values(ICONS), OFFLINE_PATH]

/** The player's files: precached once a film is downloaded (hls.js is 600 KB: never for a device that keeps no film). */
export const PLAYER_FILES = [ASSETS.hls, ASSETS.player, ASSETS.progress]

/** This build's service worker version: changes whenever any fingerprinted asset or the shell list changes. */
export const SW_VERSION = fnv1a(JSON.stringify([ASSET_HASHES, SHELL, PLAYER_FILES]))

/**
 * The worker script. `build` (development only, see routes.tsx) stands for a new deploy in the browser
 * tests: it is appended to the version and to every fingerprint, as if every asset had changed.
 */
export function serviceWorkerScript(build = ''): string {
  const fingerprint = (url: string) => (build ? url.replace(/\?v=(\w+)$/, `?v=$1${build}`) : url)
  const version = SW_VERSION + build
  const settings = { version, shell: SHELL.map(fingerprint), player: PLAYER_FILES.map(fingerprint), offline: OFFLINE_PATH, sessionSeconds: SESSION_TTL_SECONDS }
  const parts = [ASSETS.swCore, ASSETS.swSaved, ASSETS.swQueue, ASSETS.swDownloads, ASSETS.swDownloaded].map((part) => JSON.stringify(fingerprint(part)))
  return [
    `// Flixpeek service worker ${version}: settings of this build, then the logic (sw-core.js, sw-saved.js, sw-queue.js, sw-downloads.js, sw-downloaded.js) and the Web Push hook (sw-push.js).`,
    `self.FLIXPEEK = ${JSON.stringify(settings)};`,
    `importScripts(${parts.join(', ')}, '/sw-push.js');`,
    '',
  ].join('\n')
}
