/**
 * Rewrites the content hashes in views/assets.ts from public/assets/app.css and
 * app.js, so the long-lived Cache-Control in public/_headers never serves a stale file.
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

export function expectedHashes(): { css: string; js: string } {
  return { css: contentHash(`${root}public/assets/app.css`), js: contentHash(`${root}public/assets/app.js`) }
}

export function rewrite(source: string, hashes: { css: string; js: string }): string {
  return source.replace(/css: '[^']*'/, `css: '${hashes.css}'`).replace(/js: '[^']*'/, `js: '${hashes.js}'`)
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
