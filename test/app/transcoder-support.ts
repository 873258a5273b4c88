import { chmodSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { env, platformFor, SELF } from '@test/runtime'
import { parse, types } from 'hls-parser/index.js'
import { expect, inject } from 'vitest'
import { Sns } from '../../src/aws/sns'
import { createOutbox } from '../../src/events/outbox'
import { ladderPrefix, masterKey } from '../../src/media/keys'
import type { MediaStore } from '../../src/media/store'
import type { JobDeps } from '../../src/transcoder/job'
import { DEFAULT_LIMITS } from '../../src/transcoder/limits'
import { storeMediaAccess } from '../../src/transcoder/media-access'
import { VideoStore } from '../../src/videos/store'
import { TranscodeJobs } from '../../src/videos/transcode-jobs'
import { api, ORIGIN, type TestUser } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'

/**
 * The transcoder's job (src/transcoder/job.ts) on real files, for the transcoder tests: an upload through the admin
 * API, then the job its `video.uploaded` message starts, with Debian's ffmpeg, DynamoDB Local and the Node
 * runtime's media folder.
 */
export const MOVIE = 968762585 // in the bundled catalog
export const aws = testAws()
export const media = () => platformFor(env).media!

/** The outbox a transcoder writes through, on the test's DynamoDB and topic. */
export const testOutbox = () => createOutbox({ db: aws.db, table: aws.table, topicArn: aws.config.SNS_TOPIC_ARN, topic: () => Sns.fromConfig(aws.config), defer: (work) => void work })

/** A job's dependencies on the test's servers; `playlists` stands in for the media store the master is written to. */
export function jobDeps(overrides: Partial<JobDeps> = {}, playlists: Pick<MediaStore, 'put'> = media()): JobDeps & { jobs: TranscodeJobs } {
  const jobs = new TranscodeJobs({ store: new VideoStore(aws.db, aws.table), outbox: testOutbox(), media: playlists })
  // Inside the run's scratch folder, which the run removes (test/support/global-servers.ts).
  const scratchRoot = mkdtempSync(join(inject('testScratch') ?? tmpdir(), 'transcoder-'))
  // The tools run as `nobody` under root (CI): they walk into the job's folder through this one.
  chmodSync(scratchRoot, 0o755)
  return { jobs, media: storeMediaAccess(media()), limits: DEFAULT_LIMITS, scratchRoot, ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', log: () => {}, ...overrides } as JobDeps & { jobs: TranscodeJobs }
}

/** Uploads `bytes` as one video (one part) of `movie` and completes it: the video is `queued`, attempt 1. */
export async function upload(operator: TestUser, bytes: Uint8Array, movie = MOVIE): Promise<string> {
  const created = await api('/admin/videos', { token: operator.token, body: { movie_id: movie, size: bytes.byteLength, license: 'generated test media' } })
  expect(created.status).toBe(201)
  const { id } = (await created.json()) as { id: string }
  const part = await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${id}/parts/1`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) },
    body: bytes,
  })
  expect(part.status).toBe(200)
  expect((await api(`/admin/videos/${id}/complete`, { method: 'POST', token: operator.token })).status).toBe(202)
  return id
}

export interface VideoJson {
  status: string
  error: string | null
  renditions: { height: number }[]
  audio: string[]
  subtitles: string[]
  duration: number
  updated_at: string
}

export const videoOf = async (operator: TestUser, id: string) => (await (await api(`/admin/videos/${id}`, { token: operator.token })).json()) as VideoJson

export async function text(key: string): Promise<string> {
  const object = await media().get(key)
  expect(object, key).not.toBeNull()
  return new Response(object!.body).text()
}

/**
 * The keys a player or the app can reach from the ready video's master (playlists, their init files and segments,
 * subtitle files), plus the progressive MP4, the poster and the trickplay sprites: anything else stored is an orphan.
 */
export async function reachableKeys(id: string, revision: number): Promise<string[]> {
  const prefix = ladderPrefix(id, 1)
  const keys = new Set([masterKey(id, 1, revision), `${prefix}download.mp4`, `${prefix}poster.jpg`, `${prefix}thumbs/thumbs.vtt`])
  const master = parse(await text(masterKey(id, 1, revision))) as InstanceType<typeof types.MasterPlaylist>
  const playlists = [...master.variants.map((v) => v.uri), ...master.variants[0]!.audio.map((a) => a.uri!), ...master.variants[0]!.subtitles.map((s) => s.uri!)]
  for (const uri of playlists) {
    keys.add(`${prefix}${uri}`)
    const folder = uri.includes('/') ? uri.slice(0, uri.lastIndexOf('/') + 1) : ''
    const playlist = parse(await text(`${prefix}${uri}`)) as InstanceType<typeof types.MediaPlaylist>
    for (const segment of playlist.segments) {
      keys.add(`${prefix}${folder}${segment.uri}`)
      if (segment.map) keys.add(`${prefix}${folder}${segment.map.uri}`)
    }
  }
  for (const [, sprite] of (await text(`${prefix}thumbs/thumbs.vtt`)).matchAll(/^(sprite_\d+\.jpg)#/gm)) keys.add(`${prefix}thumbs/${sprite}`)
  return [...keys].sort()
}

/** Everything stored under the video's ladder folder. */
export const storedKeys = async (id: string) => (await media().list(ladderPrefix(id, 1), { limit: 1000 })).keys.sort()
