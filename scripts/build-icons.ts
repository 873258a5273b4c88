/**
 * Renders the app icons (public/icons/) from the SVG logo (public/favicon.svg) with Chromium, so
 * the PNGs the manifest names stay crisp and in step with the logo. Run after changing the logo:
 * `npx tsx scripts/build-icons.ts`. The maskable icon keeps the mark inside the 80% safe zone on a
 * full-bleed background, so a launcher's circle or squircle mask never cuts it.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { launchBrowser } from '../test/support/browser'

const root = fileURLToPath(new URL('..', import.meta.url))
const logo = readFileSync(`${root}public/favicon.svg`, 'utf8')
/** The logo's background colour, used to fill the maskable icon's bleed area. */
const BACKGROUND = '#141414'

const ICONS = [
  { file: 'icon-192.png', size: 192, inset: 0 },
  { file: 'icon-512.png', size: 512, inset: 0 },
  { file: 'icon-maskable-512.png', size: 512, inset: 0.16 },
  { file: 'apple-touch-icon.png', size: 180, inset: 0.08 },
]

const browser = await launchBrowser()
const screenshotsOf = process.argv.includes('--screenshots') ? process.argv[process.argv.indexOf('--screenshots') + 1] : undefined
try {
  if (screenshotsOf) await takeScreenshots(screenshotsOf)
  else await renderIcons()
} finally {
  await browser.close()
}

/**
 * The manifest's screenshots (richer install dialogue): home on a desktop, a film page on a phone, from a
 * running app: `npx tsx scripts/build-icons.ts --screenshots http://127.0.0.1:8787`.
 */
async function takeScreenshots(base: string) {
  const wide = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await wide.goto(`${base}/`, { waitUntil: 'networkidle' })
  await wide.screenshot({ path: `${root}public/icons/screenshot-wide.jpg`, type: 'jpeg', quality: 70 })
  const film = await wide.locator('a[href^="/movies/"]').first().getAttribute('href')
  const narrow = await browser.newPage({ viewport: { width: 540, height: 1080 } })
  await narrow.goto(`${base}${film}`, { waitUntil: 'networkidle' })
  await narrow.screenshot({ path: `${root}public/icons/screenshot-narrow.jpg`, type: 'jpeg', quality: 70 })
  console.log('public/icons/screenshot-wide.jpg, public/icons/screenshot-narrow.jpg')
}

async function renderIcons() {
  for (const { file, size, inset } of ICONS) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 })
    const mark = Math.round(size * (1 - 2 * inset))
    // The mark's own rounded square is squared off when padded (the mask or iOS rounds it).
    const svg = inset ? logo.replace(/rx="\d+"/, 'rx="0"') : logo
    const html = `<!doctype html><html><body style="margin:0;background:${inset ? BACKGROUND : 'transparent'};display:grid;place-items:center;width:${size}px;height:${size}px">${svg.replace('<svg ', `<svg width="${mark}" height="${mark}" `)}</body></html>`
    await page.setContent(html)
    await page.screenshot({ path: `${root}public/icons/${file}`, omitBackground: !inset, clip: { x: 0, y: 0, width: size, height: size } })
    await page.close()
    console.log(`public/icons/${file} (${size}×${size})`)
  }
}
