import { env, platformFor, SELF } from '@test/runtime'
import { beforeAll, describe, expect, it } from 'vitest'
import { Sns } from '../../src/aws/sns'
import { createOutbox } from '../../src/events/outbox'
import { readyMapChanged } from '../../src/videos'
import type { HlsOutputs } from '../../src/videos/hls'
import { newVideoId, videoKey } from '../../src/videos/keys'
import { VideoStore, type VideoItem } from '../../src/videos/store'
import { TranscodeJobs } from '../../src/videos/transcode-jobs'
import { api, form, ORIGIN, signUp, type TestUser } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'

/**
 * Downloads' pages as a browser sees them (src/downloads/pages.tsx, issue #38): /downloads (the account's devices,
 * each with a Remove form), removing a device, and the film page's Download control. The JSON side and the media
 * route are test/app/downloads.test.ts's. The ready video is made as test/app/openapi-live.test.ts makes its own: a
 * queued row, claimed and made ready with outputs the transcoder would have measured (the ladder's target rates over
 * a 2-hour film) and the two media playlists a download lists its segments from; no ffmpeg run.
 */
const FILM = 983297341 // The Wackness, in the bundled catalog; no other file gives it a video
const NO_VIDEO_FILM = 932199141 // Tango, in the bundled catalog; no file gives it a video
const HOURS_2 = 7200

/** The v1 ladder's 480p, 720p and 1080p at their target rates (src/transcoder/ladder.ts), one 128 kb/s audio track. */
const rung = (height: number, width: number, kbps: number) => ({
  height,
  width,
  bandwidth: Math.round(kbps * 1070),
  average_bandwidth: kbps * 1000,
  codecs: 'avc1.64001f',
  frame_rate: 25,
  playlist: `v${height}/index.m3u8`,
})
const OUTPUTS: HlsOutputs = {
  ladder: 1,
  duration: HOURS_2,
  renditions: [rung(240, 426, 400), rung(360, 640, 800), rung(480, 854, 1400), rung(720, 1280, 3000), rung(1080, 1920, 5000)],
  audio: [{ index: 0, lang: 'en', codecs: 'mp4a.40.2', channels: 2, bandwidth: 128_000, playlist: 'a0/index.m3u8', default: true }],
  mp4: 'download.mp4',
  poster: 'poster.jpg',
  thumbnails: 'thumbs/thumbs.vtt',
}
/** What the control must show for a 2-hour film: (average video + audio) × duration / 8 (docs/downloads.md's table). */
const EXPECTED_BYTES = { '480p': 1_375_200_000, '720p': 2_815_200_000, '1080p': 4_615_200_000 }

/** A page GET as a signed-in browser sends it (the API token is also a valid session cookie value). */
const page = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, { headers: { Accept: 'text/html', ...(cookie ? { Cookie: `session=${cookie}` } : {}), ...headers }, redirect: 'manual' })
/** The film page's control, as htmx loads it. */
const control = (movie: number, cookie?: string) => page(`/movies/${movie}/download`, cookie, { 'HX-Request': 'true' })

const device = () => `dev-${crypto.randomUUID().replace(/-/g, '')}`.slice(0, 24)
type Listed = { results: { id: string; device: string }[]; devices: { device: string }[] }
const listed = async (user: TestUser) => (await (await api('/me/downloads', { token: user.token })).json()) as Listed
async function downloadOn(user: TestUser, dev: string, movie = FILM) {
  const res = await api('/me/downloads', { token: user.token, body: { movie_id: movie, quality: '480p', device: dev } })
  expect(res.status, await res.clone().text()).toBe(201)
}
/** The quality radios of a Download control: value and data-bytes of each, in order. */
const radios = (html: string) =>
  [...html.matchAll(/<input[^>]*type="radio"[^>]*>/g)].map(([tag]) => ({
    name: /name="([^"]*)"/.exec(tag)?.[1],
    value: /value="([^"]*)"/.exec(tag)?.[1],
    bytes: /data-bytes="([^"]*)"/.exec(tag)?.[1],
  }))
/** The Remove forms of /downloads: the device each one posts. */
const removeForms = (html: string) =>
  [...html.matchAll(/<form[^>]*action="\/downloads\/devices\/remove"[^>]*>([\s\S]*?)<\/form>/g)].map(([whole, inner]) => ({
    post: /method="post"/.test(whole),
    device: /<input type="hidden" name="device" value="([^"]*)"/.exec(inner!)?.[1],
  }))

const aws = testAws()
const media = () => platformFor(env).media!

let member: TestUser
let arabic: TestUser

/** A ready, published video of FILM with the outputs above; its media playlists name one segment each. */
async function readyVideo(): Promise<string> {
  const id = newVideoId()
  const now = new Date().toISOString()
  const row: VideoItem = {
    ...videoKey(id), entity: 'video', id, movie_id: FILM, label: null, license: 'generated test media', credit: null, published: true, size: 64, part_size: 64, parts: {},
    status: 'queued', progress: 0, error: null, duration: null, renditions: [], audio: [], subtitles: [], ladder: 1, attempt: 1, created_by: null, created_at: now, updated_at: now, queued_at: now,
  }
  await aws.db.put(aws.table, { ...row })
  const outbox = createOutbox({ db: aws.db, table: aws.table, topicArn: aws.config.SNS_TOPIC_ARN, topic: () => Sns.fromConfig(aws.config), defer: (work) => void work })
  const jobs = new TranscodeJobs({ store: new VideoStore(aws.db, aws.table), outbox, media: media() })
  expect((await jobs.claim(id, 1, false)).kind).toBe('work')
  expect(await jobs.ready(id, OUTPUTS)).toBe(true)
  const playlist = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.0,\nseg_00001.m4s\n#EXT-X-ENDLIST\n'
  await Promise.all(['v480/index.m3u8', 'a0/index.m3u8'].map((name) => media().put(`videos/${id}/v1/${name}`, playlist, { contentType: 'application/vnd.apple.mpegurl' })))
  readyMapChanged()
  return id
}

beforeAll(async () => {
  ;[member, arabic] = await Promise.all([signUp(), signUp({ language: 'ar' }), readyVideo()])
}, 20_000)

describe('/downloads', () => {
  it('should send an anonymous visitor to the login page, coming back to /downloads', async () => {
    const res = await page('/downloads')
    expect(res.status).toBe(303)
    const to = new URL(res.headers.get('location')!, ORIGIN)
    expect([to.pathname, to.searchParams.get('next')]).toEqual(['/login', '/downloads'])
  })

  it('should list the member’s devices with a Remove form each, kept only privately (the service worker’s offline copy)', async () => {
    const someone = await signUp()
    const before = await page('/downloads', someone.token)
    expect(before.status).toBe(200)
    expect(before.headers.get('content-type')).toMatch(/^text\/html/)
    expect(before.headers.get('cache-control')).toBe('private, no-cache')
    const empty = await before.text()
    expect(empty).toContain('No device keeps downloads.')
    expect(removeForms(empty)).toEqual([])

    const dev = device()
    await downloadOn(someone, dev)
    const res = await page('/downloads', someone.token)
    expect(res.headers.get('cache-control')).toBe('private, no-cache')
    const html = await res.text()
    expect(html).toContain(`data-device="${dev}"`)
    expect(html).toContain(`Device ${dev.slice(0, 4).toUpperCase()}`)
    expect(html).not.toContain('No device keeps downloads.')
    expect(removeForms(html)).toEqual([{ post: true, device: dev }])
    // Another account's device is not on it.
    expect(await (await page('/downloads', member.token)).text()).not.toContain(dev)
  })

  it('should render in Arabic, right to left, for a member whose language is Arabic', async () => {
    const dev = device()
    await downloadOn(arabic, dev)
    const html = await (await page('/downloads', arabic.token)).text()
    expect(html).toMatch(/<html lang="ar" dir="rtl"/)
    expect(html).toContain('<title>التنزيلات')
    expect(html).toContain(`الجهاز ${dev.slice(0, 4).toUpperCase()}`)
    expect(removeForms(html)).toEqual([{ post: true, device: dev }])
  })
})

describe('POST /downloads/devices/remove', () => {
  it('should release the device’s downloads and the device, leave the account’s other devices, and go back to /downloads', async () => {
    const someone = await signUp()
    const [gone, kept] = [device(), device()]
    await Promise.all([downloadOn(someone, gone), downloadOn(someone, kept)])
    expect((await listed(someone)).results.map((d) => d.device).sort()).toEqual([gone, kept].sort())

    const res = await form('/downloads/devices/remove', { device: gone }, { cookie: someone.token })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/downloads')
    const after = await listed(someone)
    expect(after.results.map((d) => d.device)).toEqual([kept])
    expect(after.devices.map((d) => d.device)).toEqual([kept])
    const html = await (await page('/downloads', someone.token)).text()
    expect(html).not.toContain(gone)
    expect(removeForms(html)).toEqual([{ post: true, device: kept }])
  })

  it('should remove nothing for a bogus device value, another account’s device or a cross-site post, and still answer 303', async () => {
    const someone = await signUp()
    const dev = device()
    await downloadOn(someone, dev)
    const othersDevice = device()
    await downloadOn(member, othersDevice)
    for (const bogus of ['', 'x', `${dev}/../..`, `${dev}'`, 'a'.repeat(65), othersDevice]) {
      const res = await form('/downloads/devices/remove', { device: bogus }, { cookie: someone.token })
      expect([res.status, res.headers.get('location')], bogus).toEqual([303, '/downloads'])
    }
    expect((await form('/downloads/devices/remove', {}, { cookie: someone.token })).status).toBe(303)
    // Another site's form, with the member's cookie: the CSRF check refuses it.
    const forged = await form('/downloads/devices/remove', { device: dev }, { cookie: someone.token, headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } })
    expect(forged.status).toBe(403)
    expect((await listed(someone)).results.map((d) => d.device)).toEqual([dev])
    expect((await listed(member)).devices.map((d) => d.device)).toContain(othersDevice)
    // Anonymous: to the login page, nothing removed.
    const anonymous = await form('/downloads/devices/remove', { device: dev })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
    expect((await listed(someone)).devices.map((d) => d.device)).toEqual([dev])
  })
})

describe('GET /movies/:id/download (the film page’s Download control)', () => {
  it('should offer a member one radio per quality the video has (480p, 720p, 1080p, never 240p or 360p) with its size in bytes', async () => {
    const res = await control(FILM, member.token)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const html = await res.text()
    expect(html).not.toContain('<html')
    expect(html).toContain(`data-download="${FILM}"`)
    expect(html).toContain('data-title="The Wackness"')
    const found = radios(html)
    expect(found.map((r) => r.value)).toEqual(['480p', '720p', '1080p'])
    for (const r of found) {
      expect(r.name).toBe('quality')
      expect(r.bytes, r.value).toMatch(/^[1-9]\d*$/)
    }
    expect(Object.fromEntries(found.map((r) => [r.value, Number(r.bytes)]))).toEqual(EXPECTED_BYTES)
    expect(html).toMatch(/<input[^>]*value="480p"[^>]*checked/)
    expect(html).toContain('Standard 480p')
    expect(html).toContain('Full HD 1080p')
  })

  it('should say it in Arabic for an Arabic-speaking member', async () => {
    const html = await (await control(FILM, arabic.token)).text()
    expect(radios(html).map((r) => r.value)).toEqual(['480p', '720p', '1080p'])
    expect(html).toContain('عادية 480p')
  })

  it('should answer 204 with no body to an anonymous visitor, and for a film without a video', async () => {
    for (const [movie, cookie] of [
      [FILM, undefined],
      [NO_VIDEO_FILM, member.token],
      [NO_VIDEO_FILM, undefined],
    ] as const) {
      const res = await control(movie, cookie)
      expect(res.status, `${movie} ${cookie ? 'member' : 'anonymous'}`).toBe(204)
      expect(await res.text()).toBe('')
      expect(res.headers.get('cache-control')).toBe('private, no-store')
    }
  })
})
