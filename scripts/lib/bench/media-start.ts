/**
 * `npm run bench:media`, second half: how long a viewer waits for the first frame. The app as `npm start` runs it
 * (wrangler dev and its transcoder, PLAYBACK=public) makes a generated 720p clip ready; Chromium then starts it again
 * and again through a slow link (throttled-proxy.ts), from `hls.loadSource()` (hls.js already loaded, the player's
 * own configuration and order: loadSource, attachMedia, play) to the first `requestVideoFrameCallback`. Each start
 * mints a new token first (untimed), so no answer comes from the browser's cache; the first start, which fills the
 * edge cache, is reported apart from the timed ones. Each start keeps its hls.js timeline: the trace of a slow one.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { launchBrowser } from '../../../test/support/browser'
import { makeClip } from '../../../test/support/media'
import { ASSETS } from '../../../views/assets'
import { startDevStack } from '../dev-stack'
import { freePort } from '../processes'
import { sampleOperatorOf, signInOperator } from '../sample-videos'
import { call, uploadVideo } from '../video-upload'
import { startThrottledProxy, type Link } from './throttled-proxy'

export const LINK: Link = { bitsPerSecond: 5_000_000, rttMs: 40, burstBytes: 16 * 1024 }
const CLIP = { seconds: 20, width: 1280, height: 720, videoBitrate: '3M' }
const PAGE_PATH = '/__bench-media'

export interface Start {
  /** loadSource → first frame, ms (null: no frame within 30 s). */
  ms: number | null
  /** The rendition the first frame came from (its height), and the ladder's heights. */
  height: number | null
  /** Bytes the link carried for this start (playlists, init files, segments; the token call excluded). */
  bytes: number
  /** hls.js events, ms after loadSource: [event, ms, what]. */
  timeline: [string, number, string][]
  error: string | null
}

export interface StartResult {
  link: Link
  clip: typeof CLIP & { bytes: number }
  ladder: number[]
  coldEdge: Start
  starts: Start[]
  medianMs: number | null
  p90Ms: number | null
  goalMs: number
  edgeCache: Record<string, number>
  loadAverage: { start: number[]; end: number[] }
}

/**
 * What the page runs for one start (plain JavaScript in a string: tsx would wrap a function's inner names in a helper
 * the page does not have): returns when the first frame is shown, or after 30 s.
 */
const START_IN_PAGE = `async (id) => {
  const minted = await fetch('/api/v1/movies/' + id + '/playback', { method: 'POST' })
  if (!minted.ok) return { ms: null, height: null, ladder: [], timeline: [], error: 'playback: ' + minted.status }
  const source = (await minted.json()).hls
  const video = document.createElement('video')
  video.muted = true
  document.body.append(video)
  const hls = new Hls(window.BENCH_CONFIG || {})
  const timeline = []
  let t0 = 0
  const at = () => Math.round(performance.now() - t0)
  const E = Hls.Events
  hls.on(E.MANIFEST_PARSED, (_, d) => timeline.push(['manifest', at(), d.levels.length + ' levels']))
  hls.on(E.LEVEL_LOADED, (_, d) => timeline.push(['level playlist', at(), hls.levels[d.level].height + 'p']))
  hls.on(E.AUDIO_TRACK_LOADED, () => timeline.push(['audio playlist', at(), '']))
  hls.on(E.FRAG_LOADED, (_, d) => timeline.push(['fragment', at(), d.frag.type + ' ' + d.frag.sn + ', ' + d.frag.stats.loaded + ' B']))
  hls.on(E.LEVEL_SWITCHED, (_, d) => timeline.push(['switched', at(), hls.levels[d.level].height + 'p']))
  let error = null
  hls.on(E.ERROR, (_, d) => { if (d.fatal) error = d.type + ': ' + d.details })
  const frame = new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now() - t0)))
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 30000))
  t0 = performance.now()
  hls.loadSource(source)
  hls.attachMedia(video)
  video.play().catch(() => {})
  const ms = await Promise.race([frame, timeout])
  timeline.push(['first frame', ms === null ? -1 : Math.round(ms), ''])
  const result = { ms: ms === null ? null : Math.round(ms), height: ms === null ? null : video.videoHeight, ladder: hls.levels.map((l) => l.height), timeline, error }
  hls.destroy()
  video.remove()
  return result
}`

function startInPage(page: Page, movieId: number): Promise<Omit<Start, 'bytes'> & { ladder: number[] }> {
  return page.evaluate(`(${START_IN_PAGE})(${movieId})`)
}

/** Nearest-rank percentile of sorted values (p90 of 20 starts: the 18th). */
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
const median = (sorted: number[]) => (sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2)

export interface StartOptions {
  starts: number
  log: (line: string) => void
  loadAverage: () => number[]
}

export async function measureStarts(o: StartOptions): Promise<StartResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flixpeek-bench-media-'))
  const operator = sampleOperatorOf(dataDir)
  o.log('starting the app as npm start does (wrangler dev, local AWS, the transcoder), PLAYBACK=public')
  const stack = await startDevStack({
    port: await freePort(),
    dataDir,
    devVarsPath: join(dataDir, '.dev.vars'),
    env: { SAMPLE_VIDEOS: 'off', PLAYBACK: 'public' },
    transcoder: true,
    operators: [operator.email],
  })
  try {
    const clip = await makeClip({ ...CLIP, audio: 'sine' })
    const api = { base: stack.url }
    const { token, userId } = await signInOperator(api, dataDir, operator, stack.aws.endpoints.ses)
    const film = (await call<{ results: { id: number; title: string }[] }>(api, 'GET', '/api/v1/movies/popular')).results[0]!
    o.log(`uploading a ${CLIP.seconds} s ${CLIP.width}×${CLIP.height} clip for "${film.title}" and waiting for the transcoder`)
    const video = await uploadVideo({ ...api, token, file: clip, movieId: film.id, license: 'generated test media', userId, wait: true, timeoutSeconds: 900, report: { tty: false, status: () => {}, line: () => {} } })
    if (video.status !== 'ready') throw new Error(`the clip did not become ready: ${video.status}`)

    // The bench's page loads only the watch page's hls.js, from the app, on the app's origin (through the link).
    const html = `<!doctype html><meta charset="utf-8"><title>bench:media</title><script src="${ASSETS.hls}"></script><body></body>`
    const proxy = await startThrottledProxy(stack.url, LINK, { path: PAGE_PATH, html })
    const browser = await launchBrowser()
    const loadStart = o.loadAverage()
    try {
      const page = await browser.newPage()
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
      await page.goto(`${proxy.url}${PAGE_PATH}`)
      await page.waitForFunction(() => 'Hls' in window)
      if (process.env.BENCH_HLS_CONFIG) await page.evaluate(`window.BENCH_CONFIG = ${process.env.BENCH_HLS_CONFIG}`)
      let ladder: number[] = []
      const one = async (): Promise<Start> => {
        const before = proxy.delivered()
        const { ladder: levels, ...start } = await startInPage(page, film.id)
        ladder = levels
        return { ...start, bytes: proxy.delivered() - before }
      }
      o.log('first start (fills the edge cache)')
      const coldEdge = await one()
      const starts: Start[] = []
      for (let i = 0; i < o.starts; i++) {
        starts.push(await one())
        o.log(`start ${i + 1}/${o.starts}: ${starts.at(-1)!.ms ?? 'no frame'} ms`)
      }
      const times = starts.map((start) => start.ms).filter((ms): ms is number => ms !== null).sort((a, b) => a - b)
      return {
        link: LINK,
        clip: { ...CLIP, bytes: statSync(clip).size },
        ladder,
        coldEdge,
        starts,
        medianMs: times.length === starts.length ? median(times) : null,
        p90Ms: times.length === starts.length ? percentile(times, 0.9) : null,
        goalMs: 1000,
        edgeCache: proxy.cacheAnswers(),
        loadAverage: { start: loadStart, end: o.loadAverage() },
      }
    } finally {
      await browser.close()
      await proxy.close()
    }
  } finally {
    await stack.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
