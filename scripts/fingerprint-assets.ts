/**
 * Rewrites the content hashes in views/assets.ts from public/assets/app.css, app.js,
 * offline.js, sw-core.js, sw-saved.js, sw-queue.js, sw-downloads.js, sw-downloaded.js, downloads.js, upload.js, player.js and watch-progress.js, so the long-lived Cache-Control in public/_headers never serves a stale file.
 * Run after editing either file: `npx tsx scripts/fingerprint-assets.ts` (`--check` only verifies).
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const ASSETS_MODULE = `${root}views/assets.ts`

export function contentHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 10)
}

/** The fingerprinted files, by their key in views/assets.ts ASSET_HASHES. */
const FILES = { css: 'app.css', js: 'app.js', offline: 'offline.js', sw: 'sw-core.js', swSaved: 'sw-saved.js', swQueue: 'sw-queue.js', swDownloads: 'sw-downloads.js', swDownloaded: 'sw-downloaded.js', downloads: 'downloads.js', upload: 'upload.js', player: 'player.js', progress: 'watch-progress.js' } as const
type Hashes = Record<keyof typeof FILES, string>

export function expectedHashes(): Hashes {
  return Object.fromEntries(Object.entries(FILES).map(([key, file]) => [key, contentHash(`${root}public/assets/${file}`)])) as Hashes
}

export function rewrite(source: string, hashes: Hashes): string {
  let next = source
  for (const [key, hash] of Object.entries(hashes)) next = next.replace(new RegExp(`(\\n  ${key}: )'[^']*'`), `$1'${hash}'`)
  return next
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const source = readFileSync(ASSETS_MODULE, 'utf8')
  const next = rewrite(source, expectedHashes())
  if (process.argv.includes('--check')) {
    if (next !== source) {
      console.error('views/assets.ts is out of date: run `npx tsx scripts/fingerprint-assets.ts`')
      process.exit(1)
    }
  } else if (next !== source) {
    writeFileSync(ASSETS_MODULE, next)
    console.log('views/assets.ts updated', expectedHashes())
  }
}
