import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SELF } from '@test/runtime'
import { parse, types } from 'hls-parser/index.js'
import { beforeAll, describe, expect, it, inject } from 'vitest'
import { ladderPrefix, masterKey } from '../../src/media/keys'
import { runJob } from '../../src/transcoder/job'
import { ecsTaskProtection } from '../../src/transcoder/task-protection'
import { VideoStore } from '../../src/videos/store'
import { TranscodeJobs } from '../../src/videos/transcode-jobs'
import { ORIGIN, type TestUser } from '../support/harness/accounts'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { fakeEcsAgent } from '../support/fake-ecs-agent'
import { makeClip, makeHugeDeclaredClip, makeSubtitles, probeMedia } from '../support/media'
import { aws, jobDeps, media, reachableKeys, storedKeys, testOutbox, text, upload, videoOf } from './transcoder-support'

/** The transcoder's job on real files (transcoder-support.ts): what it makes, and what it refuses. */
let operator: TestUser
const video = (id: string) => videoOf(operator, id)

beforeAll(async () => {
  operator = await signUpOperator(OPERATOR_EMAILS.transcoder)
})

describe('the transcoder', { timeout: 60_000 }, () => {
  it('turns a 6 s clip with two audio languages into an HLS ladder, with the subtitles uploaded right after complete in the master', async () => {
    // Matroska keeps a language tag verbatim: the third track's is an attempt to inject an attribute into the master.
    const clip = await makeClip({ seconds: 6, width: 640, height: 360, container: 'mkv', language: 'en', extraLanguages: ['ar', 'en",URI="x'] })
    const id = await upload(operator, readFileSync(clip))
    for (const lang of ['fr', 'ja']) {
      const subtitles = readFileSync(await makeSubtitles({ seconds: 6, label: lang }), 'utf8')
      const put = await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${id}/subtitles/${lang}`, { method: 'PUT', headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'text/plain' }, body: subtitles })
      expect(put.status).toBe(201)
    }

    // On ECS the task is protected from scale-in while the job runs (a faithful ECS agent endpoint stands in here).
    const agent = await fakeEcsAgent()
    const deps = jobDeps({ protection: ecsTaskProtection(agent.url, () => {}) })
    let protectedWhileUploading = true
    const putOutput = deps.media.putOutput
    deps.media = { ...deps.media, putOutput: (...args) => ((protectedWhileUploading &&= agent.enabled), putOutput(...args)) }
    expect(await runJob({ videoId: id, attempt: 1, lastDelivery: false }, deps)).toBe('ready')
    await expect.poll(() => agent.requests.length).toBe(2)
    expect(agent.requests).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 30 }, { ProtectionEnabled: false }])
    expect(protectedWhileUploading).toBe(true)
    agent.close()
    const ready = await video(id)
    expect(ready).toMatchObject({ status: 'ready', error: null, audio: ['en', 'ar', 'und'], subtitles: ['fr', 'ja'] })
    expect(ready.renditions.map((r) => r.height)).toEqual([240, 360])
    expect(ready.duration).toBeCloseTo(6, 0)

    // The master: our writer's, parsed back; every URI it names is stored.
    const master = parse(await text(masterKey(id, 1, 1))) as InstanceType<typeof types.MasterPlaylist>
    // Smallest first: where players start (src/videos/hls.ts).
    expect(master.variants.map((v) => v.resolution)).toEqual([{ width: 426, height: 240 }, { width: 640, height: 360 }])
    for (const variant of master.variants) expect(variant.codecs).toMatch(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/)
    const renditions = master.variants[0]!.audio.map((a) => [a.language, a.name])
    expect(renditions).toEqual([['en', 'English'], ['ar', 'العربية'], [undefined, 'Original audio']]) // no LANGUAGE for an unknown one
    expect(master.variants[0]!.subtitles.map((s) => [s.language, s.name])).toEqual([['fr', 'Français'], ['ja', '日本語']])

    // Every rendition plays as what it claims: ffprobe of its playlist, segments within the target duration.
    const folder = mkdtempSync(join(inject('testScratch') ?? tmpdir(), 'transcoded-'))
    const keyFrames: number[][] = []
    const copy = async (key: string) => {
      const path = join(folder, key.slice(ladderPrefix(id, 1).length).replaceAll('/', '__'))
      writeFileSync(path, new Uint8Array(await new Response((await media().get(key))!.body).arrayBuffer()))
      return path
    }
    for (const uri of [...master.variants.map((v) => v.uri), ...master.variants[0]!.audio.map((a) => a.uri!)]) {
      const playlist = parse(await text(`${ladderPrefix(id, 1)}${uri}`)) as InstanceType<typeof types.MediaPlaylist>
      for (const segment of playlist.segments) expect(Math.round(segment.duration)).toBeLessThanOrEqual(playlist.targetDuration)
      // Joined init + segments: what a player decodes.
      const dir = uri.split('/')[0]
      const init = await copy(`${ladderPrefix(id, 1)}${dir}/${playlist.segments[0]!.map!.uri}`)
      const parts = [readFileSync(init), ...(await Promise.all(playlist.segments.map(async (s) => readFileSync(await copy(`${ladderPrefix(id, 1)}${dir}/${s.uri}`)))))]
      const joined = join(folder, `${dir}.mp4`)
      writeFileSync(joined, Buffer.concat(parts))
      const info = await probeMedia(joined)
      expect(info.duration, uri).toBeGreaterThan(5.5)
      expect(info.duration, uri).toBeLessThan(6.5)
      if (dir!.startsWith('v')) {
        expect(info.video).toMatchObject({ codec: 'h264', height: Number(dir!.slice(1)) })
        const keys = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', joined], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .filter((line) => line.split(',')[1]?.includes('K'))
          .map((line) => Math.round(Number(line.split(',')[0]) * 10) / 10)
        keyFrames.push(keys)
      } else expect(info.audio).toMatchObject([{ codec: 'aac' }])
    }
    const mp4 = await probeMedia(await copy(`${ladderPrefix(id, 1)}download.mp4`))
    // Key frames every 2 s (from the first frame, which x264's B-frames delay a little), the same in every rendition.
    const fromFirst = keyFrames[0]!.map((t) => Math.round((t - keyFrames[0]![0]!) * 10) / 10)
    expect(fromFirst.slice(0, 3)).toEqual([0, 2, 4])
    expect(fromFirst).toEqual(fromFirst.map((_, i) => 2 * i))
    for (const keys of keyFrames) expect(keys).toEqual(keyFrames[0])
    expect(mp4.video).toMatchObject({ codec: 'h264', height: 360 })
    expect(await text(`${ladderPrefix(id, 1)}thumbs/thumbs.vtt`)).toMatch(/^WEBVTT\n\n00:00:00.000 --> 00:00:06\.\d{3}\nsprite_000\.jpg#xywh=0,0,\d+,\d+/)
    expect(await storedKeys(id)).toEqual(await reachableKeys(id, 1))
  })

  it('fails a file that declares a 20000×20000 picture before decoding anything', { timeout: 10_000 }, async () => {
    const id = await upload(operator, readFileSync(await makeHugeDeclaredClip()))
    expect(await runJob({ videoId: id, attempt: 1, lastDelivery: false }, jobDeps())).toBe('failed')
    expect(await video(id)).toMatchObject({ status: 'failed', error: 'no video stream' })
    expect(await storedKeys(id)).toEqual([])
  })

  it('fails a job whose source, or source plus renditions, would not fit in the scratch space, saying so', { timeout: 20_000 }, async () => {
    const clip = readFileSync(await makeClip({ seconds: 2, width: 320, height: 180 }))
    const [alone, withOutputs] = [await upload(operator, clip), await upload(operator, clip)]
    let fetched = 0
    const deps = (room: number) => {
      const base = jobDeps({ scratchSpace: { available: () => room } })
      return { ...base, media: { ...base.media, fetchSource: (videoId: string, path: string) => (fetched++, base.media.fetchSource(videoId, path)) } }
    }
    expect(await runJob({ videoId: alone, attempt: 1, lastDelivery: false }, deps(clip.byteLength - 1))).toBe('failed')
    expect((await video(alone)).error).toMatch(/^not enough scratch space: the source \(\d+ KB\) need \d+ KB, the transcoder has \d+ KB$/)
    expect(fetched).toBe(0)
    // Room for the source, not for what a 2 s clip's ladder writes: found after the probe, before any encoding.
    expect(await runJob({ videoId: withOutputs, attempt: 1, lastDelivery: false }, deps(clip.byteLength + 1000))).toBe('failed')
    expect((await video(withOutputs)).error).toMatch(/^not enough scratch space: the source \(\d+ KB\) and its renditions \(about \d+ KB\) need \d+ KB/)
    expect(fetched).toBe(1)
    expect(await storedKeys(withOutputs)).toEqual([])
  })

  it('fails a file it must not decode, with a reason, and fetches nothing a playlist names', async () => {
    let fetched = 0
    const server = createServer((_, res) => (fetched++, res.end('nothing')))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const textFile = await upload(operator, new TextEncoder().encode('This is not a film.\n'.repeat(100)))
      const playlist = await upload(operator, new TextEncoder().encode(`#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nhttp://127.0.0.1:${port}/seg.ts\n#EXT-X-ENDLIST\n`))
      for (const id of [textFile, playlist]) {
        expect(await runJob({ videoId: id, attempt: 1, lastDelivery: false }, jobDeps())).toBe('failed')
        expect(await video(id)).toMatchObject({ status: 'failed', error: 'unsupported container' })
        expect(await storedKeys(id)).toEqual([])
      }
      expect(fetched).toBe(0)
    } finally {
      server.close()
    }
  })

  it('says a video no transcoder took for 10 minutes is waiting for one, and announces it again', async () => {
    const id = await upload(operator, new TextEncoder().encode('queued, never taken'))
    const store = new VideoStore(aws.db, aws.table)
    const queuedAt = new Date(Date.now() - 11 * 60_000)
    await store.setFields(id, { queued_at: queuedAt.toISOString() }, queuedAt)
    const state = await SELF.fetch(`${ORIGIN}/admin/videos/${id}/state?was=queued`, { headers: { Accept: 'text/html', Cookie: `session=${operator.token}` } })
    expect(await state.text()).toContain('Waiting for a transcoder')

    const { jobs } = jobDeps()
    expect(await jobs.republishStale()).toContain(id)
    // Announced once per period, and the row still says since when it waits.
    expect(await jobs.republishStale()).not.toContain(id)
    expect(await video(id)).toMatchObject({ status: 'queued', updated_at: queuedAt.toISOString() })
  })

  it('leaves a video to the job beating on it when its message comes back, and announces it again once the beat stops', async () => {
    const id = await upload(operator, new TextEncoder().encode('a job is on it'))
    const { jobs } = jobDeps()
    expect((await jobs.claim(id, 1, false)).kind).toBe('work')
    // Redelivered while that job runs (even for the last time): no second encoder, and the video is not failed.
    expect(await runJob({ videoId: id, attempt: 1, lastDelivery: true }, jobDeps())).toBe('skipped')
    expect(await video(id)).toMatchObject({ status: 'transcoding' })
    // The job died without a word: 11 minutes on, its row is announced again, and the next delivery may take it.
    const later = () => new Date(Date.now() + 11 * 60_000)
    const future = new TranscodeJobs({ store: new VideoStore(aws.db, aws.table), outbox: testOutbox(), media: media(), now: later })
    expect(await future.republishStale()).toContain(id)
    expect((await future.claim(id, 1, false)).kind).toBe('work')
  })

  it('fails the video on the last delivery of its message instead of starting once more', async () => {
    const id = await upload(operator, readFileSync(await makeClip({ seconds: 2, width: 320, height: 180 })))
    expect(await runJob({ videoId: id, attempt: 1, lastDelivery: true }, jobDeps())).toBe('skipped')
    expect(await video(id)).toMatchObject({ status: 'failed', error: 'the transcoder stopped on this file' })
    // A stale message for an older attempt changes nothing.
    expect(await runJob({ videoId: id, attempt: 0, lastDelivery: false }, jobDeps())).toBe('skipped')
  })
})
