/**
 * URLs of our static assets. app.css, app.js, offline.js, the worker's parts, downloads.js and upload.js carry a content hash in the
 * query string so public/_headers can let browsers cache them for a year; the hashes are checked by
 * test/unit/assets.test.ts and rewritten by `npx tsx scripts/fingerprint-assets.ts` after editing
 * any of them. The service worker's version (src/offline/service-worker.ts) is derived from them,
 * so a deploy that changes any asset ships a new worker.
 */
export const ASSET_HASHES = {
  css: 'bd89717621',
  js: 'b8eb772ac1',
  offline: '5ba4449d6e',
  sw: '6f7f7dee00',
  swSaved: '0175662a24',
  swQueue: 'b26d07eb80',
  swDownloaded: '16632a380f',
  swDownloads: 'be228d65e4',
  downloads: '30af1c2a0f',
  upload: '911f883a46',
  player: '09e3402ae8',
  progress: '637258bbde',
}

export const ASSETS = {
  css: `/assets/app.css?v=${ASSET_HASHES.css}`,
  js: `/assets/app.js?v=${ASSET_HASHES.js}`,
  /** The offline layer's page script: registers the service worker, the offline banner, queued actions. */
  offline: `/assets/offline.js?v=${ASSET_HASHES.offline}`,
  /** The service worker's logic, imported by /sw.js. */
  swCore: `/assets/sw-core.js?v=${ASSET_HASHES.sw}`,
  /** The worker's saved pages (imported after sw-core.js). */
  swSaved: `/assets/sw-saved.js?v=${ASSET_HASHES.swSaved}`,
  /** The worker's offline actions and progress. */
  swQueue: `/assets/sw-queue.js?v=${ASSET_HASHES.swQueue}`,
  /** The worker's downloading of films. */
  swDownloads: `/assets/sw-downloads.js?v=${ASSET_HASHES.swDownloads}`,
  /** The worker's films kept: served, renewed, released (imported last). */
  swDownloaded: `/assets/sw-downloaded.js?v=${ASSET_HASHES.swDownloaded}`,
  /** Downloads' page side: the Download button, /downloads, the offline page's list of downloaded films. */
  downloads: `/assets/downloads.js?v=${ASSET_HASHES.downloads}`,
  /** The operators' browser uploader (parts, progress, resume), loaded by /admin/videos only. */
  upload: `/assets/upload.js?v=${ASSET_HASHES.upload}`,
  /** The player page's script (public/assets/player.js): hls.js on the video, its settings, keys, token refresh. */
  player: `/assets/player.js?v=${ASSET_HASHES.player}`,
  /** The watch page's progress reports (members only): Resume and Continue watching. */
  progress: `/assets/watch-progress.js?v=${ASSET_HASHES.progress}`,
  htmx: '/vendor/htmx-2.0.11.min.js',
  /** hls.js (full build), loaded by the player page only. */
  hls: '/vendor/hls-1.7.4.min.js',
}

/** App icons (rendered from public/favicon.svg by scripts/build-icons.ts). */
export const ICONS = {
  icon192: '/icons/icon-192.png',
  icon512: '/icons/icon-512.png',
  maskable512: '/icons/icon-maskable-512.png',
  appleTouch: '/icons/apple-touch-icon.png',
}
