import { env, platformFor, SELF } from '@test/runtime'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config'
import { ladderPrefix, sourceKey } from '../../src/media/keys'
import { VideoStore } from '../../src/videos/store'
import { signMediaRequest } from '../../src/videos/signing'
import { api, ORIGIN, type TestUser } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'

const MOVIE = 922536312 // in the bundled catalog
const SOURCE = new TextEncoder().encode('0123456789abcdefghijklmnopqrstuvwxyz')
const secret = () => parseConfig(env).mediaWriteSecret

let operator: TestUser
let videoId: string

/** A request as the transcoder signs it (expiring `ttl` seconds from now). */
async function signed(method: string, path: string, opts: { ttl?: number; secret?: string; forVideo?: string; headers?: Record<string, string>; body?: BodyInit } = {}) {
  const expires = Math.floor(Date.now() / 1000) + (opts.ttl ?? 300)
  const headers = await signMediaRequest(opts.secret ?? secret(), method, path, opts.forVideo ?? videoId, expires)
  return SELF.fetch(`${ORIGIN}${path}`, { method, headers: { ...headers, ...opts.headers }, ...(opts.body !== undefined ? { body: opts.body } : {}) })
}

beforeAll(async () => {
  operator = await signUpOperator(OPERATOR_EMAILS.internal)
  const created = await api('/admin/videos', { token: operator.token, body: { movie_id: MOVIE, size: SOURCE.byteLength, license: 'CC0' } })
  videoId = ((await created.json()) as { id: string }).id
  await SELF.fetch(`${ORIGIN}/api/v1/admin/videos/${videoId}/parts/1`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${operator.token}`, 'Content-Length': String(SOURCE.byteLength) },
    body: SOURCE,
  })
  expect((await api(`/admin/videos/${videoId}/complete`, { method: 'POST', token: operator.token })).status).toBe(202)
  // What the transcoder does first (the next issue's): it takes the queued video.
  const { db, table } = testAws()
  await new VideoStore(db, table).transition(videoId, ['queued'], 'transcoding')
})

describe('the transcoder\'s internal media routes', () => {
  it('serve the source, whole or by range, to a signed request; never cached', async () => {
    const path = `/internal/media/${videoId}/source`
    const whole = await signed('GET', path)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('Cache-Control')).toBe('no-store')
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(SOURCE)
    const part = await signed('GET', path, { headers: { Range: 'bytes=10-19' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('Content-Range')).toBe(`bytes 10-19/${SOURCE.byteLength}`)
    expect(await part.text()).toBe('abcdefghij')
  })

  it('store an output under the video\'s ladder', async () => {
    const path = `/internal/media/${videoId}/v1/video/720/seg_00001.m4s`
    const body = new Uint8Array([1, 2, 3, 4])
    const res = await signed('PUT', path, { body, headers: { 'Content-Type': 'video/iso.segment', 'Content-Length': '4' } })
    expect(res.status).toBe(200)
    const stored = await platformFor(env).media!.get(`${ladderPrefix(videoId, 1)}video/720/seg_00001.m4s`)
    expect(new Uint8Array(await new Response(stored!.body).arrayBuffer())).toEqual(body)
  })

  it('store an output larger than a part in parts (start, parts, complete), each step signed', async () => {
    const PART = 5 * 1024 * 1024
    const path = `/internal/media/${videoId}/v1/fallback.mp4`
    const bytes = new Uint8Array(PART + 3).map((_, i) => i % 251)
    const started = await signed('PUT', `${path}?uploads`, { headers: { 'Content-Type': 'video/mp4', 'Content-Length': '0' }, body: '' })
    expect(started.status).toBe(200)
    const { upload_id } = (await started.json()) as { upload_id: string }
    const q = `upload_id=${encodeURIComponent(upload_id)}`
    const parts = []
    for (const [n, chunk] of [[2, bytes.subarray(PART)], [1, bytes.subarray(0, PART)]] as const) {
      const res = await signed('PUT', `${path}?${q}&part=${n}`, { headers: { 'Content-Length': String(chunk.byteLength) }, body: chunk })
      expect(res.status).toBe(200)
      parts.push({ n, etag: ((await res.json()) as { etag: string }).etag })
    }
    // A signature is for one step: the same headers on another query are refused.
    const expires = Math.floor(Date.now() / 1000) + 60
    const forPart = await signMediaRequest(secret(), 'PUT', `${path}?${q}&part=1`, videoId, expires)
    expect((await SELF.fetch(`${ORIGIN}${path}?${q}&complete`, { method: 'PUT', headers: forPart, body: '{}' })).status).toBe(403)
    const body = JSON.stringify({ parts: parts.sort((a, b) => a.n - b.n) })
    const done = await signed('PUT', `${path}?${q}&complete`, { headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) }, body })
    expect(done.status).toBe(200)
    const stored = await platformFor(env).media!.get(`${ladderPrefix(videoId, 1)}fallback.mp4`)
    expect(stored!.size).toBe(bytes.byteLength)
    const back = new Uint8Array(await new Response(stored!.body).arrayBuffer())
    expect(back.every((value, i) => value === bytes[i])).toBe(true)
  })

  it('refuse a bad signature, an expired one, one for another video, a key outside the video, and a session cookie alone: 403', async () => {
    const source = `/internal/media/${videoId}/source`
    const refusals = [
      await signed('GET', source, { secret: 'not-the-secret-not-the-secret-not-the-secret' }),
      await signed('GET', source, { ttl: -1 }),
      await signed('GET', source, { ttl: 3600 }), // longer than 15 minutes: not one the transcoder makes
      await signed('GET', source, { forVideo: '01J0000000000000000000000A' }),
      await signed('PUT', `/internal/media/${videoId}/v2/video/seg.m4s`, { body: 'x', headers: { 'Content-Length': '1' } }), // not its ladder
      await signed('PUT', `/internal/media/${videoId}/v1/../source`, { body: 'x', headers: { 'Content-Length': '1' } }),
      await signed('PUT', `/internal/media/${videoId}/v1/a/%2e%2e/b`, { body: 'x', headers: { 'Content-Length': '1' } }),
      await signed('PUT', `/internal/media/${videoId}/v1/page.html`, { body: '<script>', headers: { 'Content-Length': '8', 'Content-Type': 'text/html' } }), // not an output type
      await SELF.fetch(`${ORIGIN}${source}`, { headers: { Authorization: `Bearer ${operator.token}` } }),
    ]
    // `/v1/../source` is resolved by the URL itself to the source's path, which takes no PUT (404); every other one is 403.
    expect(refusals.map((res) => res.status)).toEqual([403, 403, 403, 403, 403, 404, 403, 403, 403])
    for (const res of refusals.filter((r) => r.status === 403)) expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden')
    // The source was never overwritten.
    const stored = await platformFor(env).media!.get(sourceKey(videoId))
    expect(new Uint8Array(await new Response(stored!.body).arrayBuffer())).toEqual(SOURCE)
  })

  it('are absent from the OpenAPI document', async () => {
    const doc = (await (await SELF.fetch(`${ORIGIN}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths).some((path) => path.includes('internal'))).toBe(false)
    expect(Object.keys(doc.paths)).toContain('/api/v1/admin/videos/{id}/parts/{n}')
  })
})

describe('a film\'s answer and its video', () => {
  it('says video: null until a video is ready and published, then its duration, licence and credit; a minute of caching either way', async () => {
    const film = async () => {
      const res = await SELF.fetch(`${ORIGIN}/api/v1/movies/${MOVIE}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('Cache-Control')).toBe('public, max-age=60, stale-while-revalidate=300')
      return ((await res.json()) as { video: unknown }).video
    }
    expect(await film()).toBeNull()
    // What the transcoder does last (the next issue's): the video is ready.
    const { db, table } = testAws()
    await new VideoStore(db, table).transition(videoId, ['transcoding'], 'ready', { set: { duration: 12.5, ready_at: new Date().toISOString() } })
    // A change through the library (here: publishing) re-reads the isolate's map at once; others follow within 30 s.
    await api(`/admin/videos/${videoId}`, { method: 'PATCH', token: operator.token, body: { published: true, credit: 'Flixpeek tests' } })
    expect(await film()).toEqual({ duration: 12.5, ready: true, license: 'CC0', credit: 'Flixpeek tests' })
    await api(`/admin/videos/${videoId}`, { method: 'PATCH', token: operator.token, body: { published: false } })
    expect(await film()).toBeNull()
  })
})
