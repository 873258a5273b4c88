import { readFileSync } from 'node:fs'
import { env, platformFor, SELF } from '@test/runtime'
import { parse, types } from 'hls-parser/index.js'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/app'
import { configFor } from '../../src/config'
import { deviceKey, downloadKey, type DownloadItem } from '../../src/downloads/keys'
import { guardedMediaStore, type MediaStore } from '../../src/media/store'
import { mintPlaybackToken } from '../../src/playback/token'
import { createServices } from '../../src/services'
import { runJob } from '../../src/transcoder/job'
import { readyMapChanged } from '../../src/videos'
import { newVideoId, videoKey } from '../../src/videos/keys'
import { api, ORIGIN, signUp, type ErrorJson, type TestUser } from '../support/harness/accounts'
import { countingStore } from '../support/harness/counting-store'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { TEST_BINDINGS } from '../support/bindings'
import { makeClip, makeSubtitles } from '../support/media'
import { aws, jobDeps, media, upload } from './transcoder-support'

/**
 * Downloads as a client sees them (CONTRACT.md `POST /api/v1/me/downloads` … and `/media/d/<token>/…`, issue #38):
 * a real 854×480 clip with three audio languages and three subtitle tracks, transcoded by the real job, downloaded by
 * a French-speaking viewer. Limits are reached with records written straight into the table (a film has one video
 * and a download is per film and device, so 25 real ones would need 25 transcodes).
 */
const MOVIE = 994146890 // One Hour Photo, in the bundled catalog; no other file gives it a video
let operator: TestUser
let viewer: TestUser
let videoId: string
/** The viewer's one device for most of their downloads (each new device counts against their five). */
const VIEWER_DEVICE = `viewer-${crypto.randomUUID()}`.slice(0, 40)

const device = () => `dev-${crypto.randomUUID().replace(/-/g, '')}`.slice(0, 24)
const download = (user: TestUser, body: Record<string, unknown>) => api('/me/downloads', { method: 'POST', token: user.token, body })
const get = (path: string, init: RequestInit = {}) => SELF.fetch(new URL(path, ORIGIN), init)
const errorOf = async (res: Response) => ((await res.json()) as ErrorJson).error

type Created = { id: string; movie_id: number; video_id: string; quality: string; expires_at: string; size: number; files: string[]; audio: string[]; subtitles: string[] }
type Listed = { results: { id: string; device: string; expires_at: string }[]; devices: { device: string; downloads: number; last_active_at: string }[] }

async function created(user: TestUser, dev = device()): Promise<Created> {
  const res = await download(user, { movie_id: MOVIE, quality: '480p', device: dev })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as Created
}
const list = async (user: TestUser) => (await (await api('/me/downloads', { token: user.token })).json()) as Listed

/** Changes a stored download (or device) as time would: an expiry or last activity in the past. */
async function age(key: { pk: string; sk: string }, field: 'expires_at' | 'last_active_at', value: number | string) {
  await aws.db.update(aws.table, key, { update: 'SET #f = :v', names: { '#f': field }, values: { ':v': value }, returnValues: 'NONE' })
}
const DAY = 24 * 3600
const nowSeconds = () => Math.floor(Date.now() / 1000)

/** A download record as the service writes it, for a film without a video (only the limits read it). */
function seeded(userId: string, n: number, dev: string): DownloadItem {
  const id = `seed${'a'.repeat(18)}${String.fromCharCode(97 + Math.floor(n / 26), 97 + (n % 26))}`
  return {
    ...downloadKey(userId, id), entity: 'download', id, movie_id: 1000 + n, video_id: 'seeded', quality: '480p', rendition: 'v480/index.m3u8', audio: [], subtitles: [],
    prefixes: [], poster: 'v1/poster.jpg', language: 'en', device: dev, size: 1, created_at: new Date().toISOString(), expires_at: nowSeconds() + DAY, nonce: 'seeded',
  }
}

beforeAll(async () => {
  let clip: Buffer
  ;[operator, viewer, clip] = await Promise.all([
    signUpOperator(OPERATOR_EMAILS.downloads),
    signUp({ language: 'fr' }),
    makeClip({ seconds: 4, width: 854, height: 480, extraLanguages: ['fr', 'de'] }).then((path) => readFileSync(path)),
  ])
  videoId = await upload(operator, clip, MOVIE)
  for (const lang of ['en', 'fr', 'de']) {
    const text = readFileSync(await makeSubtitles({ seconds: 4, label: lang }), 'utf8')
    const put = await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${videoId}/subtitles/${lang}`, { method: 'PUT', headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'text/plain' }, body: text })
    expect(put.status).toBe(201)
  }
  expect(await runJob({ videoId, attempt: 1, lastDelivery: false }, jobDeps())).toBe('ready')
  readyMapChanged()
}, 60_000)

describe('POST /api/v1/me/downloads and the files it opens', () => {
  let first: Created

  it('should offer 480p (the source is 480 high) with its size, smallest first', async () => {
    const services = createServices({ config: configFor(platformFor(env).vars), platform: platformFor(env) })
    const options = await services.downloads.options(MOVIE)
    expect(options?.videoId).toBe(videoId)
    expect(options!.qualities.map((q) => q.quality)).toEqual(['480p'])
    // About (1400 + 128) kb/s: 0.69 GB an hour, whatever the 4 s clip's own rates are.
    expect(options!.qualities[0]!.bytes_per_hour).toBeGreaterThan(options!.qualities[0]!.bytes * 100)
    expect(await services.downloads.options(550)).toBeNull()
  })

  it('should answer 201 with the files to fetch: the offline master first, every segment, the poster last, each one fetchable', async () => {
    const res = await download(viewer, { movie_id: MOVIE, quality: '480p', device: VIEWER_DEVICE })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    first = (await res.json()) as Created
    expect(first).toMatchObject({ movie_id: MOVIE, video_id: videoId, quality: '480p', audio: ['en', 'fr'], subtitles: ['fr', 'en'] })
    expect(Date.parse(first.expires_at) - Date.now()).toBeGreaterThan(29.9 * DAY * 1000)
    expect(first.size).toBeGreaterThan(0)
    const names = first.files.map((url) => url.split('/').slice(5).join('/'))
    expect(first.files[0]).toMatch(new RegExp(`^/media/d/[A-Za-z0-9_.-]+/${videoId}/v1/offline\\.m3u8$`))
    expect(names.at(-1)).toBe('v1/poster.jpg')
    expect(names.filter((name) => name.endsWith('.m4s')).length).toBeGreaterThan(3)
    for (const expected of ['v1/v480/index.m3u8', 'v1/a0/index.m3u8', 'v1/a1/index.m3u8']) expect(names).toContain(expected)
    expect(names.some((name) => /^v1\/(v240|v360|a2)\//.test(name) || name.includes('subtitles/de'))).toBe(false)
    expect(names.filter((name) => /^v1\/subtitles\/(fr|en)-/.test(name))).toHaveLength(4)

    const answers = await Promise.all(first.files.map((url) => get(url)))
    expect(answers.map((answer) => answer.status)).toEqual(first.files.map(() => 200))
    expect(answers[0]!.headers.get('content-type')).toBe('application/vnd.apple.mpegurl')
    expect(answers[0]!.headers.get('cache-control')).toBe('private, max-age=60')
    expect(answers[0]!.headers.get('access-control-allow-origin')).toBe('*')
    const ranged = await get(first.files[2]!, { headers: { Range: 'bytes=0-9' } })
    expect(ranged.status).toBe(206)

    // One video variant, and only the chosen tracks, every URI among the files.
    const master = parse(await answers[0]!.text()) as InstanceType<typeof types.MasterPlaylist>
    expect(master.variants).toHaveLength(1)
    expect(master.variants[0]!.uri).toBe('v480/index.m3u8')
    expect(master.variants[0]!.audio.map((a) => a.language)).toEqual(['en', 'fr'])
    expect(master.variants[0]!.subtitles.map((s) => s.language).sort()).toEqual(['en', 'fr'])
    for (const uri of [master.variants[0]!.uri, ...master.variants[0]!.audio.map((a) => a.uri!), ...master.variants[0]!.subtitles.map((s) => s.uri!)]) expect(names).toContain(`v1/${uri}`)
  })

  it('should give the same id again for the same film and device, with a fresh token that retires the old one', async () => {
    const dev = device()
    const [a, b] = [await created(viewer, dev), await created(viewer, dev)]
    expect(b.id).toBe(a.id)
    expect(b.files[0]).not.toBe(a.files[0])
    expect((await get(b.files[0]!)).status).toBe(200)
    expect((await get(a.files[0]!)).status).toBe(403)
    expect((await created(viewer)).id).not.toBe(a.id)
  })

  it('should refuse bad and forged tokens with 403, and names outside the download with 404', async () => {
    const [, token, , name] = /^\/media\/d\/([^/]+)\/([^/]+)\/(.+)$/.exec(first.files[1]!)!
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1)
    const playback = await mintPlaybackToken(TEST_BINDINGS.JWT_SECRET!, { videoId, viewer: viewer.user.id, expires: nowSeconds() + 600 })
    for (const bad of [flip(token!, token!.length - 3), flip(token!, 2), token!.slice(0, -4), playback, 'x']) {
      const refused = await get(`/media/d/${bad}/${videoId}/${name}`)
      expect(refused.status, bad).toBe(403)
      expect(refused.headers.get('access-control-allow-origin')).toBe('*')
      expect((await errorOf(refused)).code).toBe('forbidden')
    }
    // The right token on another ready video's path, for a name that video has: the record names its own video.
    const other = newVideoId()
    const row = { ...videoKey(other), entity: 'video', id: other, movie_id: 1, status: 'ready', published: true, master_revision: 1, master_subtitles: {} }
    await aws.db.put(aws.table, { ...row, hls: { ...(await aws.db.get<{ hls: object }>(aws.table, videoKey(videoId)))!.hls } })
    await media().put(`videos/${other}/${name}`, '#EXTM3U\n', { contentType: 'application/vnd.apple.mpegurl' })
    expect((await get(`/media/d/${token}/${other}/${name}`)).status).toBe(403)
    await aws.db.delete(aws.table, videoKey(other))
    for (const outside of ['v1/v240/index.m3u8', 'v1/a2/index.m3u8', 'v1/subtitles/de-r1.m3u8', 'v1/download.mp4', 'v1/master-r1.m3u8', 'v1/thumbs/thumbs.vtt', 'source']) {
      const missing = await get(`/media/d/${token}/${videoId}/${outside}`)
      expect(missing.status, outside).toBe(404)
    }
    const preflight = await get(first.files[1]!, { method: 'OPTIONS' })
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, '*'])
  })

  it('should renew for another 30 days, and 404 an unknown download', async () => {
    await age(downloadKey(viewer.user.id, first.id), 'expires_at', nowSeconds() + DAY)
    const res = await api(`/me/downloads/${first.id}/renew`, { method: 'POST', token: viewer.token })
    expect(res.status).toBe(200)
    const renewed = (await res.json()) as { id: string; expires_at: string }
    expect(renewed.id).toBe(first.id)
    expect(Date.parse(renewed.expires_at) - Date.now()).toBeGreaterThan(29.9 * DAY * 1000)
    expect((await api(`/me/downloads/${'a'.repeat(24)}/renew`, { method: 'POST', token: viewer.token })).status).toBe(404)
    expect((await api('/me/downloads/not-an-id/renew', { method: 'POST', token: viewer.token })).status).toBe(400)
  })

  it('should stop opening a deleted download’s files at once, and list it no more', async () => {
    const someone = await signUp()
    const other = await created(someone)
    expect((await get(other.files[1]!)).status).toBe(200)
    expect((await api(`/me/downloads/${other.id}`, { method: 'DELETE', token: someone.token })).status).toBe(204)
    expect((await api(`/me/downloads/${other.id}`, { method: 'DELETE', token: someone.token })).status).toBe(204)
    expect((await get(other.files[1]!)).status).toBe(403)
    expect((await list(someone)).results).toEqual([])
  })

  it('should refuse an expired download’s files, and drop it from the list and the table', async () => {
    const someone = await signUp()
    const stale = await created(someone)
    await age(downloadKey(someone.user.id, stale.id), 'expires_at', nowSeconds() - 1)
    expect((await get(stale.files[1]!)).status).toBe(403)
    expect((await list(someone)).results).toEqual([])
    expect(await aws.db.get(aws.table, downloadKey(someone.user.id, stale.id), { consistent: true })).toBeUndefined()
    expect((await api(`/me/downloads/${stale.id}/renew`, { method: 'POST', token: someone.token })).status).toBe(404)
  })
})

describe('limits', () => {
  it('should refuse a 26th download with 409 download_limit listing the 25, and not count a replaced one twice', async () => {
    const someone = await signUp()
    const dev = device()
    const mine = await created(someone, dev)
    await aws.db.batchWrite(aws.table, Array.from({ length: 24 }, (_, n) => ({ put: { ...seeded(someone.user.id, n, dev) } })))
    // The 25th again, on the same device: it replaces itself.
    expect((await created(someone, dev)).id).toBe(mine.id)
    const refused = await download(someone, { movie_id: MOVIE, quality: '480p', device: device() })
    expect(refused.status).toBe(409)
    const error = await errorOf(refused)
    expect(error.code).toBe('download_limit')
    expect(error.details).toHaveLength(25)
    expect(error.details!.map((detail) => detail.path)).toContain(`downloads.${mine.id}`)
    expect(error.details![0]!.message).toMatch(/480p/)
  })

  it('should refuse a sixth device, count a device idle for 30 days no more, and release one device alone', async () => {
    const someone = await signUp()
    const devices = Array.from({ length: 6 }, device)
    const made = []
    for (const dev of devices.slice(0, 5)) made.push(await created(someone, dev))
    const refused = await download(someone, { movie_id: MOVIE, quality: '480p', device: devices[5] })
    expect([refused.status, (await errorOf(refused)).details?.length]).toEqual([409, 5])
    expect((await list(someone)).devices).toHaveLength(5)

    // The first device's last activity 31 days ago (its download expired with it): it stops counting.
    await age(deviceKey(someone.user.id, devices[0]!), 'last_active_at', new Date(Date.now() - 31 * DAY * 1000).toISOString())
    await age(downloadKey(someone.user.id, made[0]!.id), 'expires_at', nowSeconds() - DAY)
    await created(someone, devices[5])
    const listed = await list(someone)
    expect(listed.devices.map((d) => d.device).sort()).toEqual(devices.slice(1).sort())
    expect(listed.devices.every((d) => d.downloads === 1)).toBe(true)

    expect((await api(`/me/downloads?device=${devices[1]}`, { method: 'DELETE', token: someone.token })).status).toBe(204)
    const after = await list(someone)
    expect(after.results.map((item) => item.device).sort()).toEqual(devices.slice(2).sort())
    expect(after.devices.map((d) => d.device)).not.toContain(devices[1])
    expect((await get(made[1]!.files[1]!)).status).toBe(403)
    expect((await get(made[2]!.files[1]!)).status).toBe(200)
    expect((await api('/me/downloads?device=short', { method: 'DELETE', token: someone.token })).status).toBe(422)
  })

  it('should answer 422 for a quality the video lacks or a bad device id, 404 video_not_found for a film without a video, 401 anonymous', async () => {
    const quality = await download(viewer, { movie_id: MOVIE, quality: '720p', device: device() })
    expect([quality.status, (await errorOf(quality)).details?.[0]?.path]).toEqual([422, 'quality'])
    expect((await download(viewer, { movie_id: MOVIE, quality: '480p', device: 'tiny' })).status).toBe(422)
    const none = await download(viewer, { movie_id: 550, quality: '480p', device: device() })
    expect([none.status, (await errorOf(none)).code]).toEqual([404, 'video_not_found'])
    expect((await api('/me/downloads')).status).toBe(401)
  })
})

describe('the account’s data', () => {
  it('should list downloads in the export, and leave no download item after the account’s erasure', async () => {
    const someone = await signUp()
    const mine = await created(someone)
    const exported = (await (await api('/me/export', { token: someone.token })).json()) as { downloads: { id: string }[]; download_devices: unknown[] }
    expect(exported.downloads.map((item) => item.id)).toEqual([mine.id])
    expect(exported.download_devices).toHaveLength(1)
    expect((await get(mine.files[1]!)).status).toBe(200)
    expect((await api('/me', { method: 'DELETE', token: someone.token, body: { current_password: someone.password } })).status).toBe(204)
    const left = await aws.db.queryAll(aws.table, { keyCondition: 'pk = :pk AND begins_with(sk, :p)', values: { ':pk': `USER#${someone.user.id}`, ':p': 'DOWNLOAD' }, consistent: true })
    expect(left).toEqual([])
    expect((await get(mine.files[1]!)).status).toBe(403)
  })
})

describe('reads and logs', () => {
  afterEach(() => vi.restoreAllMocks())

  it('should read the video row once for a member’s watch page, which both starts playback and offers the download', async () => {
    let rowReads = 0
    const row = JSON.stringify(videoKey(videoId))
    const counted = new Proxy(aws.db, {
      get(target, name) {
        const value = Reflect.get(target, name) as unknown
        if (name !== 'get') return typeof value === 'function' ? value.bind(target) : value
        return (table: string, key: Record<string, unknown>, opts?: object) => {
          if (JSON.stringify(key) === row) rowReads++
          return target.get(table, key, opts)
        }
      },
    })
    const app = createApp({ services: (ctx) => createServices({ ...ctx, adapters: { db: () => counted } }) })
    const res = await app.fetch(new Request(new URL(`/watch/${MOVIE}`, ORIGIN), { headers: { Cookie: `session=${viewer.token}` } }), { platform: platformFor(env) })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(`data-download="${MOVIE}"`)
    expect(html).toContain(`/media/t/`)
    expect(rowReads).toBe(1)
  })

  it('should check a download with one data-store call, then none for a minute; /media/t/ reads nothing', async () => {
    const counted = countingStore(aws.db)
    const app = createApp({ services: (ctx) => createServices({ ...ctx, adapters: { db: () => counted.store } }) })
    const fetchVia = (url: string) => app.fetch(new Request(new URL(url, ORIGIN)), { platform: platformFor(env) })
    const fresh = await created(await signUp())
    counted.reads.length = 0
    expect((await fetchVia(fresh.files[1]!)).status).toBe(200)
    expect(counted.reads.map((read) => read.op)).toEqual(['batchGet'])
    expect((await fetchVia(fresh.files[2]!)).status).toBe(200)
    expect(counted.reads).toHaveLength(1)
    // The token names its video: a URL naming another is refused before any read (no read per request to force).
    expect((await fetchVia(fresh.files[2]!.replace(`/${videoId}/`, `/${newVideoId()}/`))).status).toBe(403)
    expect(counted.reads).toHaveLength(1)
    const { hls } = (await (await api(`/movies/${MOVIE}/playback`, { method: 'POST', token: viewer.token })).json()) as { hls: string }
    counted.reads.length = 0
    expect((await fetchVia(hls)).status).toBe(200)
    expect(counted.reads).toEqual([])
  })

  it('should log a failed download request with its token masked', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const fresh = await created(await signUp())
    const token = fresh.files[1]!.split('/')[3]!
    const failing = guardedMediaStore({ ...media(), get: () => Promise.reject(new Error('disk on fire')) } as MediaStore)
    const res = await createApp().fetch(new Request(new URL(fresh.files[1]!, ORIGIN)), { platform: { ...platformFor(env), media: failing, mediaCache: undefined } })
    expect(res.status).toBe(503)
    const lines = logged.mock.calls.map((call) => call.map(String).join(' '))
    expect(lines.some((line) => line.includes('/media/d/***/'))).toBe(true)
    expect(lines.join('\n')).not.toContain(token)
  })
})

describe('the video’s deletion', () => {
  it('should revoke every download of the video at once, and release it at its next renewal (the device drops its copy on the 404)', async () => {
    const mine = await created(viewer, VIEWER_DEVICE)
    expect((await get(mine.files[1]!)).status).toBe(200)
    expect((await api(`/admin/videos/${videoId}`, { method: 'DELETE', token: operator.token })).status).toBe(202)
    expect((await get(mine.files[1]!)).status).toBe(403)
    expect((await get(mine.files[0]!)).status).toBe(403)
    expect((await api(`/me/downloads/${mine.id}/renew`, { method: 'POST', token: viewer.token })).status).toBe(404)
    const listed = (await (await api('/me/downloads', { token: viewer.token })).json()) as { results: { id: string }[] }
    expect(listed.results.map((d) => d.id)).not.toContain(mine.id)
  })
})
