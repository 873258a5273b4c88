import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEventMessage } from '../../src/events/schema'
import { runJob, type MediaAccess } from '../../src/transcoder/job'
import { SELF } from '@test/runtime'
import { masterKey } from '../../src/media/keys'
import { api, ORIGIN, type TestUser } from '../support/harness/accounts'
import { privateQueue } from '../support/harness/notifications'

/** The fault wrappers' and marks' folders, removed when the file is done. */
const folders: string[] = []
const made = (dir: string) => (folders.push(dir), dir)
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { makeClip } from '../support/media'
import { VideoStore } from '../../src/videos/store'
import { TranscodeJobs } from '../../src/videos/transcode-jobs'
import { aws, jobDeps, media, reachableKeys, storedKeys, testOutbox, text, upload, videoOf } from './transcoder-support'

/**
 * The transcoder when what it depends on fails mid-job: the media store refusing or slow, ffmpeg killed. The
 * video ends `ready` on the message's next delivery (or `failed` with a reason), with no orphan objects and its
 * `video.ready` event published.
 */
let operator: TestUser
let events: { url: string }
let clip: Uint8Array

beforeAll(async () => {
  ;[operator, events, clip] = await Promise.all([
    signUpOperator(OPERATOR_EMAILS.transcoderFaults),
    privateQueue({ subscribed: true }),
    makeClip({ seconds: 4, width: 320, height: 180 }).then((path) => readFileSync(path)),
  ])
})

const message = (videoId: string) => ({ videoId, attempt: 1, lastDelivery: false })

/** Whether `video.ready` for `videoId` reached the topic (bounded wait; other tests' events are consumed too). */
async function readyPublished(videoId: string): Promise<boolean> {
  for (let receives = 0; receives < 10; receives++) {
    const batch = await aws.sqs.receive(events.url, { maxMessages: 10, waitSeconds: 1 })
    let found = false
    for (const received of batch) {
      // The topic carries every test's events, some of them deliberately malformed.
      const event = (() => {
        try {
          return parseEventMessage(received.body)
        } catch {
          return null
        }
      })()
      if (event?.type === 'video.ready' && event.payload.video_id === videoId) found = true
      await aws.sqs.delete(events.url, received.receiptHandle)
    }
    if (found) return true
  }
  return false
}

async function expectReadyAndClean(id: string): Promise<void> {
  expect(await videoOf(operator, id)).toMatchObject({ status: 'ready', error: null })
  expect(await storedKeys(id)).toEqual(await reachableKeys(id, 1))
  expect(await readyPublished(id)).toBe(true)
}

/** The media access of `deps` with `before` run ahead of every output it stores. */
const withOutputs = (media: MediaAccess, before: (n: number) => Promise<void>): MediaAccess => {
  let n = 0
  return { ...media, putOutput: async (...args) => (await before(++n), media.putOutput(...args)) }
}

describe('the transcoder under faults', { timeout: 60_000 }, () => {
  it('takes a job whose media store went away mid-upload again on the next delivery, to ready', async () => {
    const id = await upload(operator, clip)
    const deps = jobDeps()
    const refusing = withOutputs(deps.media, async (n) => {
      if (n > 3) throw new Error('the media store is unreachable')
    })
    // The job throws, so the queue delivers the message again; the row stays the job's.
    await expect(runJob(message(id), { ...deps, media: refusing })).rejects.toThrow('unreachable')
    expect(await videoOf(operator, id)).toMatchObject({ status: 'transcoding' })
    expect(await runJob(message(id), jobDeps())).toBe('ready')
    await expectReadyAndClean(id)
  })

  it('finishes a job on a slow media store', async () => {
    const id = await upload(operator, clip)
    const deps = jobDeps()
    const slow = withOutputs(deps.media, () => new Promise((resolve) => setTimeout(resolve, 30)))
    expect(await runJob(message(id), { ...deps, media: slow })).toBe('ready')
    await expectReadyAndClean(id)
  })

  it('writes the master again when a subtitle is stored while it goes up, so ready lists it', async () => {
    const id = await upload(operator, clip)
    let raced = false
    const playlists = {
      put: async (...args: Parameters<ReturnType<typeof media>['put']>) => {
        if (!raced && args[0].endsWith('.m3u8') && args[0].includes('/master-')) {
          raced = true
          const put = await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${id}/subtitles/de`, { method: 'PUT', headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'text/plain' }, body: 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHallo\n' })
          expect(put.status).toBe(201)
        }
        return media().put(...args)
      },
    }
    expect(await runJob(message(id), jobDeps({}, playlists))).toBe('ready')
    expect(raced).toBe(true)
    const master = await text(masterKey(id, 1, 1))
    expect(master).toMatch(/TYPE=SUBTITLES,[^\n]*LANGUAGE="de"/)
    await expectReadyAndClean(id)
  })

  it('keeps the master right when two subtitles are stored at once on a ready video', async () => {
    const id = await upload(operator, clip)
    expect(await runJob(message(id), jobDeps())).toBe('ready')
    const store = new VideoStore(aws.db, aws.table)
    // Writer A reads the row with French only; its master write lands last, after B (French + Japanese) won.
    let entered!: () => void
    let release!: () => void
    const blocked = new Promise<void>((resolve) => (entered = resolve))
    const bDone = new Promise<void>((resolve) => (release = resolve))
    const slow = { put: async (...args: Parameters<ReturnType<typeof media>['put']>) => {
      if (args[0].includes('/master-r2.')) {
        entered()
        await bDone
      }
      return media().put(...args)
    } }
    await store.setSubtitleFile(id, 'fr', 'subtitles/fr-0123456789abcdef.vtt')
    const a = new TranscodeJobs({ store, outbox: testOutbox(), media: slow }).refreshMaster(id)
    await blocked
    await store.setSubtitleFile(id, 'ja', 'subtitles/ja.0123456789abcdef.vtt')
    await new TranscodeJobs({ store, outbox: testOutbox(), media: media() }).refreshMaster(id)
    release()
    await a
    const row = await store.get(id)
    expect(row?.master_revision).toBe(2)
    const master = await text(masterKey(id, 1, 2))
    expect(master).toMatch(/LANGUAGE="fr"/)
    expect(master).toMatch(/LANGUAGE="ja"/)
  })

  it('stops a job whose video was deleted under it, uploading nothing', async () => {
    const id = await upload(operator, clip)
    const deps = jobDeps()
    const deleting: MediaAccess = {
      ...deps.media,
      fetchSource: async (...args) => {
        await deps.media.fetchSource(...args)
        expect((await api(`/admin/videos/${id}`, { method: 'DELETE', token: operator.token })).status).toBe(202)
      },
    }
    expect(await runJob(message(id), { ...deps, media: deleting })).toBe('skipped')
    expect(await storedKeys(id)).toEqual([])
  })

  it('runs a job again after ffmpeg was killed mid-way, to ready', async () => {
    const id = await upload(operator, clip)
    // An ffmpeg that is killed (SIGKILL, as the OOM killer would) the first time it runs, then the real one.
    const marks = made(mkdtempSync(join(tmpdir(), 'flixpeek-ffmpeg-marks-')))
    chmodSync(marks, 0o777)
    const wrapper = ffmpegWrapper(`if [ ! -e ${marks}/crashed ]; then\n  touch ${marks}/crashed\n  ffmpeg "$@" & pid=$!\n  sleep 0.2\n  kill -9 $pid\n  kill -9 $$\nfi\nexec ffmpeg "$@"`)
    await expect(runJob(message(id), jobDeps({ ffmpeg: wrapper }))).rejects.toThrow('ffmpeg was killed (SIGKILL)')
    expect(await videoOf(operator, id)).toMatchObject({ status: 'transcoding' })
    expect(await runJob(message(id), jobDeps({ ffmpeg: wrapper }))).toBe('ready')
    await expectReadyAndClean(id)
  })

  it('fails a job whose ffmpeg left a symlink for the transcoder to upload, uploading nothing', async () => {
    const id = await upload(operator, clip)
    // An ffmpeg subverted by the file: it does its work, then points an output at a file of the machine's.
    const wrapper = ffmpegWrapper(`ffmpeg "$@" || exit $?\n[ -d out/thumbs ] && ln -s /etc/hostname out/v180/seg_00009.m4s\nexit 0`)
    expect(await runJob(message(id), jobDeps({ ffmpeg: wrapper }))).toBe('failed')
    expect(await videoOf(operator, id)).toMatchObject({ status: 'failed', error: 'the transcoder refused what ffmpeg wrote' })
    expect(await storedKeys(id)).toEqual([])
  })
})

/** An executable `ffmpeg` in a folder of its own (readable by nobody, as the tools run under root) running `script`. */
function ffmpegWrapper(script: string): string {
  const dir = made(mkdtempSync(join(tmpdir(), 'flixpeek-ffmpeg-wrapper-')))
  chmodSync(dir, 0o755)
  const path = join(dir, 'ffmpeg')
  writeFileSync(path, `#!/bin/sh\n${script}\n`, { mode: 0o755 })
  chmodSync(path, 0o755)
  return path
}
