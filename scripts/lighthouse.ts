/**
 * `npm run lighthouse`: Lighthouse 12.2.3 (its default mobile preset) with Debian's Chromium on the
 * home, film, search and genre pages of a running app; prints the four category scores per page.
 *
 * LIGHTHOUSE_URL (default http://127.0.0.1:8787): the app to audit. When nothing answers there,
 * the whole stack is started the way `npm start` runs it (on a free port, with throw-away data),
 * and stopped afterwards. CHROME_PATH (default /usr/bin/chromium). LIGHTHOUSE_LANG (e.g. `ar`, `ja`): audits the
 * pages in that language (sent as Accept-Language, as a visitor's browser would). LIGHTHOUSE_JSON_DIR: also
 * writes each page's full Lighthouse report there (`<page>.json`), to read the audits behind a score.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launch, type LaunchedChrome } from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { startDevStack, type DevStack } from './lib/dev-stack'
import { freePort, stopAllChildren } from './lib/processes'

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const
/** The performance metrics behind the score, printed so a low score says which one. */
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']
const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']

let chrome: LaunchedChrome | undefined
let stack: DevStack | undefined
let dataDir: string | undefined
async function cleanUp(): Promise<void> {
  chrome?.kill()
  chrome = undefined
  await stack?.stop()
  stack = undefined
  await stopAllChildren()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().then(() => process.exit(130)))
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) })
    await response.body?.cancel()
    return response.ok
  } catch {
    return false
  }
}

/** The app at LIGHTHOUSE_URL, or one started here when nothing answers there. */
async function appUrl(): Promise<string> {
  const wanted = (process.env.LIGHTHOUSE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '')
  if (await answers(wanted)) return wanted
  console.error(`[lighthouse] nothing answers at ${wanted}; starting the app (wrangler dev + DynamoDB Local + fauxqs)`)
  dataDir = mkdtempSync(join(tmpdir(), 'flixpeek-lighthouse-'))
  stack = await startDevStack({ port: await freePort(), dataDir, devVarsPath: join(dataDir, '.dev.vars'), env: process.env })
  return stack.url
}

/** A film and a genre that exist in whatever catalog the app serves. */
async function pages(base: string): Promise<[string, string][]> {
  const response = await fetch(`${base}/api/v1/movies/popular`)
  if (!response.ok) throw new Error(`GET /api/v1/movies/popular answered ${response.status}`)
  const { results } = (await response.json()) as { results: { id: number; genre_ids: number[] }[] }
  const film = results.find((movie) => movie.genre_ids.length > 0)
  if (!film) throw new Error('the popular list is empty: no film page to audit')
  return [
    ['home', '/'],
    ['film', `/movies/${film.id}`],
    ['search', '/search?q=star'],
    ['genre', `/genres/${film.genre_ids[0]}`],
  ]
}

async function main(): Promise<void> {
  const base = await appUrl()
  const targets = await pages(base)
  chrome = await launch({ chromePath: process.env.CHROME_PATH || '/usr/bin/chromium', chromeFlags: CHROME_FLAGS, logLevel: 'silent' })
  const rows: string[] = ['| page | path | performance | accessibility | best practices | SEO |', '|---|---|---|---|---|---|']
  const failures: string[] = []
  const metrics: string[] = []
  for (const [name, path] of targets) {
    console.error(`[lighthouse] ${name}: ${path}`)
    const audit = () => lighthouse(`${base}${path}`, { port: chrome!.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES], ...(process.env.LIGHTHOUSE_LANG ? { extraHeaders: { 'Accept-Language': process.env.LIGHTHOUSE_LANG } } : {}) })
    let result = await audit()
    // On a busy machine Lighthouse sometimes loses the navigation (NO_NAVSTART): one more try.
    if (result?.lhr.runtimeError) result = await audit()
    if (!result) throw new Error(`Lighthouse returned nothing for ${path}`)
    if (result.lhr.runtimeError) process.exitCode = 1
    const jsonDir = process.env.LIGHTHOUSE_JSON_DIR
    if (jsonDir) {
      mkdirSync(jsonDir, { recursive: true })
      writeFileSync(join(jsonDir, `${name}.json`), JSON.stringify(result.lhr))
    }
    const scores = CATEGORIES.map((id) => {
      const score = result.lhr.categories[id]?.score
      return score === null || score === undefined ? '–' : String(Math.round(score * 100))
    })
    rows.push(`| ${name} | \`${path}\` | ${scores.join(' | ')} |`)
    metrics.push(`${name}: ${METRICS.map((id) => `${id} ${result.lhr.audits[id]?.displayValue ?? '–'}`).join(', ')}`)
    // Name what costs points, so a score below 100 says where to look.
    for (const audit of Object.values(result.lhr.audits)) {
      if (audit.score !== null && audit.score < 1 && audit.scoreDisplayMode === 'binary') failures.push(`${name}: ${audit.id} (${audit.title})`)
    }
    if (result.lhr.runtimeError) failures.push(`${name}: runtime error ${result.lhr.runtimeError.code}`)
  }
  console.log(rows.join('\n'))
  console.log(`\nMetrics (simulated mobile):\n${metrics.map((line) => `- ${line}`).join('\n')}`)
  if (failures.length) console.log(`\nFailed audits:\n${failures.map((line) => `- ${line}`).join('\n')}`)
}

try {
  await main()
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  await cleanUp()
}
