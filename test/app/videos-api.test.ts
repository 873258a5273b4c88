import { env, platformFor, SELF } from '@test/runtime'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config'
import { removeDeletedVideos } from '../../src/jobs'
import { ladderPrefix, sourceKey, videoPrefix } from '../../src/media/keys'
import { createServices } from '../../src/services'
import { api, clientIp, ORIGIN, signUp, type ErrorJson, type TestUser } from '../support/harness/accounts'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { digest, generatedClip } from '../support/harness/node-only'

const PART = 5 * 1024 * 1024
const MOVIE = 905724053 // 10,000 B.C., in the bundled catalog

let operator: TestUser
let member: TestUser
let clip: Uint8Array<ArrayBuffer>

/** A part as a client sends it: raw bytes with their length (and optionally their MD5). */
function putPart(id: string, n: number, bytes: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  return SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${id}/parts/${n}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength), 'CF-Connecting-IP': clientIp(), ...headers },
    body: bytes,
  })
}

const partOf = (bytes: Uint8Array<ArrayBuffer>, n: number) => bytes.subarray((n - 1) * PART, Math.min(bytes.byteLength, n * PART))

async function startUpload(size: number, extra: Record<string, unknown> = {}) {
  const res = await api('/admin/videos', { token: operator.token, body: { movie_id: MOVIE, size, license: 'CC BY 4.0', credit: 'Flixpeek tests', ...extra } })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; part_size: number; status: string; parts: { n: number; size: number; etag: string }[] }
}

const media = () => platformFor(env).media!

beforeAll(async () => {
  ;[operator, member] = await Promise.all([signUpOperator(OPERATOR_EMAILS.api), signUp()])
  // 6 s of 720p at 9 Mb/s: a 5 MiB part and the rest (test/app/videos-cli.test.ts uses the same clip).
  clip = await generatedClip({ seconds: 6, width: 1280, height: 720, videoBitrate: '9M' })
  expect(clip.byteLength).toBeGreaterThan(PART)
  expect(clip.byteLength).toBeLessThan(2 * PART)
}, 60_000)

describe('the admin API: who may use it', () => {
  const routes: [string, string][] = [
    ['GET', '/admin/videos'],
    ['POST', '/admin/videos'],
    ['GET', '/admin/videos/01J0000000000000000000000A'],
    ['PATCH', '/admin/videos/01J0000000000000000000000A'],
    ['DELETE', '/admin/videos/01J0000000000000000000000A'],
    ['PUT', '/admin/videos/01J0000000000000000000000A/parts/1'],
    ['POST', '/admin/videos/01J0000000000000000000000A/complete'],
    ['POST', '/admin/videos/01J0000000000000000000000A/cancel'],
    ['POST', '/admin/videos/01J0000000000000000000000A/retry'],
    ['PUT', '/admin/videos/01J0000000000000000000000A/subtitles/fr'],
  ]
  it.each(routes)('%s %s: 401 anonymous, 403 for a member who is not an operator', async (method, path) => {
    const anonymous = await api(path, { method, body: method === 'GET' || method === 'DELETE' ? undefined : {} })
    expect(anonymous.status).toBe(401)
    const denied = await api(path, { method, token: member.token, body: method === 'GET' || method === 'DELETE' ? undefined : {} })
    expect(denied.status).toBe(403)
    expect(((await denied.json()) as ErrorJson).error.code).toBe('forbidden')
  })

  it('does not make an unverified ADMIN_EMAILS address an operator', async () => {
    // operator-runtimes@ is listed but nobody verified it in this file: signing up alone is not enough.
    const unverified = await signUp({ email: `unverified-${crypto.randomUUID().slice(0, 8)}@flixpeek.test` })
    expect((await api('/admin/videos', { token: unverified.token })).status).toBe(403)
  })
})

describe('the admin API: uploads in parts', { timeout: 20_000 }, () => {
  it('takes parts in any order, a repeated part replacing the first, and queues the joined file', async () => {
    const video = await startUpload(clip.byteLength, { label: "Director's cut" })
    expect(video).toMatchObject({ status: 'uploading', part_size: PART, parts: [] })
    // The last part first; completing now names the missing one.
    expect((await putPart(video.id, 2, partOf(clip, 2))).status).toBe(200)
    const early = await api(`/admin/videos/${video.id}/complete`, { method: 'POST', token: operator.token })
    expect(early.status).toBe(422)
    expect(((await early.json()) as ErrorJson).error.details).toEqual([{ path: 'parts', message: 'parts missing: 1' }])
    // Part 1 with wrong bytes, then again with the right ones (and their MD5): the second wins.
    expect((await putPart(video.id, 1, new Uint8Array(PART).fill(7))).status).toBe(200)
    const first = await putPart(video.id, 1, partOf(clip, 1), { 'Content-MD5': await digest('md5', partOf(clip, 1)) })
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ part: 1, size: PART })
    // Resuming: the video lists what arrived.
    const midway = (await (await api(`/admin/videos/${video.id}`, { token: operator.token })).json()) as { parts: { n: number; size: number }[] }
    expect(midway.parts.map((p) => [p.n, p.size])).toEqual([[1, PART], [2, clip.byteLength - PART]])

    const done = await api(`/admin/videos/${video.id}/complete`, { method: 'POST', token: operator.token })
    expect(done.status).toBe(202)
    expect(await done.json()).toMatchObject({ id: video.id, status: 'queued', movie_id: MOVIE, license: 'CC BY 4.0', published: true })

    const stored = await media().get(sourceKey(video.id))
    expect(stored!.size).toBe(clip.byteLength)
    const bytes = new Uint8Array(await new Response(stored!.body).arrayBuffer())
    expect(await digest('sha256', bytes, 'hex')).toBe(await digest('sha256', clip, 'hex'))
    // Completing again is harmless.
    expect((await api(`/admin/videos/${video.id}/complete`, { method: 'POST', token: operator.token })).status).toBe(202)
  })

  it('refuses a middle part of the wrong size, naming it, and a part past the end', async () => {
    const video = await startUpload(2 * PART + 10)
    const wrong = await putPart(video.id, 2, new Uint8Array(PART - 1))
    expect(wrong.status).toBe(422)
    const body = (await wrong.json()) as ErrorJson
    expect(body.error.code).toBe('validation_failed')
    expect(body.error.details?.[0]?.path).toBe('parts/2')
    expect((await putPart(video.id, 4, new Uint8Array(10))).status).toBe(422)
    expect((await putPart(video.id, 3, new Uint8Array(11))).status).toBe(422) // the last is 10 bytes
    expect((await putPart(video.id, 3, new Uint8Array(9))).status).toBe(422) // …exactly
    expect((await putPart(video.id, 1, new Uint8Array(PART), { 'Content-MD5': await digest('md5', 'other') })).status).toBe(422)
    expect((await api(`/admin/videos/${video.id}/cancel`, { method: 'POST', token: operator.token })).status).toBe(204)
  })

  it('judges a part from Content-Length before reading it: 413 over the part size, 411 without one', async () => {
    const video = await startUpload(3 * PART)
    let pulled = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(new Uint8Array(64 * 1024))
      },
    })
    const over = await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${video.id}/parts/1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': String(PART + 1) },
      body: endless,
      duplex: 'half',
    } as RequestInit)
    expect(over.status).toBe(413)
    expect(((await over.json()) as ErrorJson).error.code).toBe('malformed_request')
    // The stream is pulled once to start it at most: the app never read the body.
    expect(pulled).toBeLessThanOrEqual(2)
    const unsized = await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${video.id}/parts/1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'application/octet-stream' },
      body: new ReadableStream({ start: (controller) => controller.close() }),
      duplex: 'half',
    } as RequestInit)
    expect(unsized.status).toBe(411)
    await api(`/admin/videos/${video.id}/cancel`, { method: 'POST', token: operator.token })
  })

  it('cancels an abandoned upload: the video is gone and so are its parts', async () => {
    const video = await startUpload(PART + 5)
    expect((await putPart(video.id, 1, new Uint8Array(PART))).status).toBe(200)
    // Twice at once (a double click): one cancel, and the operator's count of uploads under way drops once.
    const cancels = await Promise.all([1, 2].map(() => api(`/admin/videos/${video.id}/cancel`, { method: 'POST', token: operator.token })))
    expect(cancels.map((res) => res.status)).toEqual([204, 204])
    expect(await (await api(`/admin/videos/${video.id}`, { token: operator.token })).json()).toMatchObject({ status: 'deleting' })
    // Refused: 422 while it is being deleted, 404 once a drain cron (another file's, meanwhile) removed it.
    expect([404, 422]).toContain((await putPart(video.id, 2, new Uint8Array(5))).status)
    expect([404, 422]).toContain((await api(`/admin/videos/${video.id}/complete`, { method: 'POST', token: operator.token })).status)
    await runDrainCron()
    expect((await api(`/admin/videos/${video.id}`, { token: operator.token })).status).toBe(404)
    expect((await media().list(videoPrefix(video.id))).keys).toEqual([])
  })

  it('caps uploads under way at 3 per operator and sizes at MAX_UPLOAD_BYTES', async () => {
    const other = await signUpOperator(OPERATOR_EMAILS.runtimes)
    const start = () => api('/admin/videos', { token: other.token, body: { movie_id: MOVIE, size: 100, license: 'CC0' } })
    const started = await Promise.all([start(), start(), start(), start()])
    expect(started.map((res) => res.status).sort()).toEqual([201, 201, 201, 422])
    const tooBig = await api('/admin/videos', { token: other.token, body: { movie_id: MOVIE, size: 50 * 2 ** 30 + 1, license: 'CC0' } })
    expect(tooBig.status).toBe(422)
    const missingLicense = await api('/admin/videos', { token: other.token, body: { movie_id: MOVIE, size: 100 } })
    expect(missingLicense.status).toBe(422)
    const ids = await Promise.all(started.filter((r) => r.status === 201).map(async (res) => ((await res.json()) as { id: string }).id))
    // Each cancelled twice at once: the count goes down by one each, so exactly three may start again.
    await Promise.all(ids.flatMap((id) => [1, 2].map(() => api(`/admin/videos/${id}/cancel`, { method: 'POST', token: other.token }))))
    expect((await Promise.all([start(), start(), start(), start()])).map((res) => res.status).sort()).toEqual([201, 201, 201, 422])
  })
})

describe('the admin API: after the upload', { timeout: 20_000 }, () => {
  it('publishes, edits, takes subtitles, and deletes in the background (202, then the objects are gone)', async () => {
    const video = await startUpload(100)
    expect((await putPart(video.id, 1, new Uint8Array(100).fill(1))).status).toBe(200)
    expect((await api(`/admin/videos/${video.id}/complete`, { method: 'POST', token: operator.token })).status).toBe(202)
    const patched = await api(`/admin/videos/${video.id}`, { method: 'PATCH', token: operator.token, body: { published: false, credit: 'Someone' } })
    expect(await patched.json()).toMatchObject({ published: false, credit: 'Someone' })
    const srt = '1\n00:00:01,000 --> 00:00:02,500\nBonjour\n'
    const subtitles = await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${video.id}/subtitles/fr`, { method: 'PUT', headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'text/plain' }, body: srt })
    expect(subtitles.status).toBe(201)
    // Stored under a name its content gives (a later file for French is another object), in the ladder's folder.
    const [vttKey, ...others] = (await media().list(`${ladderPrefix(video.id, 1)}subtitles/`)).keys
    expect(others).toEqual([])
    expect(vttKey).toMatch(/\/subtitles\/fr-[0-9a-f]{16}\.vtt$/)
    const vtt = await media().get(vttKey!)
    expect(await new Response(vtt!.body).text()).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nBonjour\n')
    const notSubtitles = await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${video.id}/subtitles/fr`, { method: 'PUT', headers: { Authorization: `Bearer ${operator.token}` }, body: 'hello' })
    expect(notSubtitles.status).toBe(422)
    // A failed video can be retried; a queued one cannot.
    expect((await api(`/admin/videos/${video.id}/retry`, { method: 'POST', token: operator.token })).status).toBe(422)

    const deleted = await api(`/admin/videos/${video.id}`, { method: 'DELETE', token: operator.token })
    expect(deleted.status).toBe(202)
    expect(await (await api(`/admin/videos/${video.id}`, { token: operator.token })).json()).toMatchObject({ status: 'deleting', published: false })
    const listed = (await (await api('/admin/videos', { token: operator.token })).json()) as { results: { id: string }[] }
    expect(listed.results.map((v) => v.id)).not.toContain(video.id)
    // Still there until the job runs (never inside the request)…
    expect((await media().list(videoPrefix(video.id))).keys.length).toBeGreaterThan(0)
    await runDrainCron()
    expect((await media().list(videoPrefix(video.id))).keys).toEqual([])
    expect((await api(`/admin/videos/${video.id}`, { token: operator.token })).status).toBe(404)
  })

  it('lists the operator\'s uploads in their export, and keeps the library when the account is deleted', async () => {
    const owner = await signUpOperator(OPERATOR_EMAILS.erased)
    const res = await api('/admin/videos', { token: owner.token, body: { movie_id: MOVIE, size: 10, license: 'Public domain' } })
    const { id } = (await res.json()) as { id: string }
    const exported = (await (await api('/me/export', { token: owner.token })).json()) as { uploaded_videos?: { id: string }[] }
    expect(exported.uploaded_videos?.map((v) => v.id)).toContain(id)
    expect((await api('/me', { method: 'DELETE', token: owner.token, body: { current_password: owner.password } })).status).toBe(204)
    const kept = (await (await api(`/admin/videos/${id}`, { token: operator.token })).json()) as { created_by: string | null }
    expect(kept.created_by).toBeNull()
  })
})

/** The drain cron's video step (src/jobs/index.ts), with the services a cron run gets. */
async function runDrainCron() {
  await removeDeletedVideos(createServices({ config: parseConfig(env), platform: platformFor(env) }))
}
