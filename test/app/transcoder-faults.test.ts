import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseEventMessage } from '../../src/events/schema'
import { runJob, type MediaAccess } from '../../src/transcoder/job'
import type { TestUser } from '../support/harness/accounts'
import { privateQueue } from '../support/harness/notifications'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { makeClip } from '../support/media'
import { aws, jobDeps, reachableKeys, storedKeys, upload, videoOf } from './transcoder-support'

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
      const event = parseEventMessage(received.body)
      if (event.type === 'video.ready' && event.payload.video_id === videoId) found = true
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

  it('runs a job again after ffmpeg was killed mid-way, to ready', async () => {
    const id = await upload(operator, clip)
    // An ffmpeg that is killed (SIGKILL, as the OOM killer would) the first time it runs, then the real one.
    const dir = mkdtempSync(join(tmpdir(), 'flixpeek-crashing-ffmpeg-'))
    chmodSync(dir, 0o755)
    const marks = join(dir, 'marks')
    mkdirSync(marks, { mode: 0o777 })
    chmodSync(marks, 0o777)
    const wrapper = join(dir, 'ffmpeg')
    writeFileSync(
      wrapper,
      `#!/bin/sh\nif [ ! -e ${marks}/crashed ]; then\n  touch ${marks}/crashed\n  ffmpeg "$@" & pid=$!\n  sleep 0.2\n  kill -9 $pid\n  kill -9 $$\nfi\nexec ffmpeg "$@"\n`,
      { mode: 0o755 },
    )
    chmodSync(wrapper, 0o755)
    await expect(runJob(message(id), jobDeps({ ffmpeg: wrapper }))).rejects.toThrow('ffmpeg was killed (SIGKILL)')
    expect(await videoOf(operator, id)).toMatchObject({ status: 'transcoding' })
    expect(await runJob(message(id), jobDeps({ ffmpeg: wrapper }))).toBe('ready')
    await expectReadyAndClean(id)
  })
})
