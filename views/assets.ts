/**
 * URLs of our static assets. app.css and app.js carry a content hash in the
 * query string so public/_headers can let browsers cache them for a year; the
 * hashes are checked by test/node/assets.test.ts and rewritten by
 * `npx tsx scripts/fingerprint-assets.ts` after editing either file.
 */
export const ASSET_HASHES = {
  css: '1815ba976a',
  js: '33c3f29910',
}

export const ASSETS = {
  css: `/assets/app.css?v=${ASSET_HASHES.css}`,
  js: `/assets/app.js?v=${ASSET_HASHES.js}`,
  htmx: '/vendor/htmx-2.0.11.min.js',
}
