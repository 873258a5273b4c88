import { readFileSync } from 'node:fs'
import { SELF } from '@test/runtime'
import { beforeAll, describe, expect, it } from 'vitest'
import { runJob } from '../../src/transcoder/job'
import { readyMapChanged } from '../../src/videos'
import { api, form, ORIGIN, signUp, type ErrorJson, type TestUser } from '../support/harness/accounts'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { makeClip } from '../support/media'
import { jobDeps, upload } from './transcoder-support'

/**
 * Watch progress and what operators learn, as API clients and the pages see them (CONTRACT.md:
 * `/api/v1/me/progress/:movieId`, `/api/v1/me/continue-watching`, `/api/v1/me/playback-events`): a real upload,
 * transcoded by the real job, then a viewer's reports. On the Node runtime.
 */
const MOVIE = 924765275 // Silverado, in the bundled catalog; no other file gives it a video
const NO_VIDEO = 550 // Fight Club: no file gives it one
let operator: TestUser
let videoId: string

const start = (user: TestUser, movie = MOVIE) => api(`/movies/${movie}/playback`, { method: 'POST', token: user.token })

beforeAll(async () => {
  let clip: Buffer
  ;[operator, clip] = await Promise.all([signUpOperator(OPERATOR_EMAILS.progress), makeClip({ seconds: 2, width: 320, height: 180 }).then((path) => readFileSync(path))])
  videoId = await upload(operator, clip, MOVIE)
  expect(await runJob({ videoId, attempt: 1, lastDelivery: false }, jobDeps())).toBe('ready')
  readyMapChanged()
}, 60_000)

// Each limit test makes 30 to 60 requests one after another: more than vitest's 5 s on a loaded machine.
describe('what operators learn: POST /api/v1/me/playback-events and the figures of /admin/videos', { timeout: 30_000 }, () => {
  const event = (user: TestUser | null, body: unknown) => api('/me/playback-events', { method: 'POST', body, ...(user ? { token: user.token } : {}) })
  /** The facts of this video's row on the operators' page, label → value. */
  const figures = async () => {
    const html = await (await SELF.fetch(`${ORIGIN}/admin/videos`, { headers: { Cookie: `session=${operator.token}`, Accept: 'text/html' } })).text()
    const row = html.slice(html.indexOf(`id="video-${videoId}"`))
    return Object.fromEntries([...row.slice(0, row.indexOf('</li>')).matchAll(/<dt>([^<]+)<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => [m[1]!, m[2]!]))
  }

  it('should count each start, completion and rebuffer once, and show the last 30 days beside how much viewers watched', async () => {
    const viewer = await signUp()
    const at = new Date().toISOString()
    const statuses = [
      await event(viewer, { video_id: videoId, event: 'start', at }),
      await event(viewer, { video_id: videoId, event: 'start', at }), // a retry: counted once
      await event(viewer, { video_id: videoId, event: 'start' }),
      await event(viewer, { video_id: videoId, event: 'complete' }),
      ...(await Promise.all([0, 1, 2].map(() => event(viewer, { video_id: videoId, event: 'rebuffer' })))), // within 10 s: one
    ].map((res) => res.status)
    expect(statuses).toEqual(Array(7).fill(204))
    const length = ((await (await api(`/admin/videos/${videoId}`, { token: operator.token })).json()) as { duration: number }).duration
    await api(`/me/progress/${MOVIE}`, { method: 'PUT', token: viewer.token, body: { position: length / 2 } })
    expect(await figures()).toMatchObject({ 'Starts (30 days)': '2', 'Completion rate': '50%', 'Watched on average': '50%', 'Rebuffers per start': '0.5' })
  })

  it('should refuse what is not an event: 401 anonymous, 422 an unknown kind or id, 404 a video that is not ready, 429 past 30 a minute', async () => {
    const viewer = await signUp()
    expect((await event(null, { video_id: videoId, event: 'start' })).status).toBe(401)
    expect((await event(viewer, { video_id: videoId, event: 'pause' })).status).toBe(422)
    expect((await event(viewer, { video_id: '../etc', event: 'start' })).status).toBe(422)
    const unknown = await event(viewer, { video_id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', event: 'start' })
    expect([unknown.status, ((await unknown.json()) as ErrorJson).error.code]).toEqual([404, 'video_not_found'])
    // Every event that passes validation counts toward the limit, refused ones too: the unknown video above, and 29 more.
    for (let i = 0; i < 29; i++) expect((await event(viewer, { video_id: videoId, event: 'rebuffer' })).status).toBe(204)
    const limited = await event(viewer, { video_id: videoId, event: 'rebuffer' })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('watch progress: PUT|POST|DELETE /api/v1/me/progress/:movieId, GET /api/v1/me/continue-watching', { timeout: 30_000 }, () => {
  const report = (user: TestUser, body: unknown, method = 'PUT', movie = MOVIE) => api(`/me/progress/${movie}`, { method, token: user.token, body })
  const row = async (user: TestUser) => ((await (await api('/me/continue-watching', { token: user.token })).json()) as { results: { id: number; position: number; duration: number }[] }).results
  const resumeAt = async (user: TestUser) => ((await (await start(user)).json()) as { resume_at: number }).resume_at
  const duration = async () => ((await (await api(`/admin/videos/${videoId}`, { token: operator.token })).json()) as { duration: number }).duration

  it('should keep where a viewer stopped: in Continue watching at 40 %, resumed there, an older report ignored, watched at 95 %', async () => {
    const member = await signUp()
    const length = await duration()
    expect(await row(member)).toEqual([])
    expect((await report(member, { position: length * 0.4, duration: 9999 })).status).toBe(204)
    expect(await row(member)).toEqual([expect.objectContaining({ id: MOVIE, position: expect.closeTo(length * 0.4, 3), duration: length })])
    expect(await resumeAt(member)).toBeCloseTo(length * 0.4, 3)
    // An offline device's older report changes nothing.
    expect((await report(member, { position: length * 0.7, at: new Date(Date.now() - 3_600_000).toISOString() })).status).toBe(204)
    expect((await row(member))[0]!.position).toBeCloseTo(length * 0.4, 3)
    // 95 %, as navigator.sendBeacon sends it (a string body: text/plain): watched, out of the row, nothing to resume;
    // the export keeps it.
    const beacon = await api(`/me/progress/${MOVIE}`, { method: 'POST', token: member.token, body: JSON.stringify({ position: length * 0.95 }), headers: { 'Content-Type': 'text/plain;charset=UTF-8' } })
    expect(beacon.status).toBe(204)
    expect(await row(member)).toEqual([])
    expect(await resumeAt(member)).toBe(0)
    const exported = (await (await api('/me/export', { token: member.token })).json()) as { watch_progress: { movie_id: number; watched_at?: string }[] }
    expect(exported.watch_progress).toEqual([expect.objectContaining({ movie_id: MOVIE, watched_at: expect.any(String) })])
  })

  it('should change a member\'s recommendations once they watch a film to the end: "Because you watched" it, never it again', async () => {
    const member = await signUp()
    const picks = async () => ((await (await api('/me/recommendations', { token: member.token })).json()) as { results: { id: number; reason: string }[] }).results
    const before = await picks()
    expect(before.length).toBeGreaterThan(0)
    expect(before.every((pick) => pick.reason === 'Trending now')).toBe(true)
    expect((await report(member, { position: (await duration()) * 0.95 })).status).toBe(204)
    await expect.poll(async () => (await picks()).filter((pick) => pick.reason === 'Because you watched Silverado').length, { timeout: 10_000 }).toBeGreaterThan(0)
    expect((await picks()).map((pick) => pick.id)).not.toContain(MOVIE)
  })

  it('should mark a film watched on its page and its cards, and forget it all on "Clear watch history"', async () => {
    const member = await signUp()
    const page = async (path: string) => (await SELF.fetch(`${ORIGIN}${path}`, { headers: { Cookie: `session=${member.token}`, Accept: 'text/html' } })).text()
    const length = await duration()
    expect(await page(`/movies/${MOVIE}`)).not.toContain('class="watched-mark"')
    await report(member, { position: length * 0.95 })
    await report(member, { position: length * 0.5 }, 'PUT', MOVIE) // watching it again: still watched
    expect(await page(`/movies/${MOVIE}`)).toContain('class="watched-mark"')
    expect(await page('/search?q=Silverado')).toMatch(/class="card-watched"/)
    expect(await row(member)).toHaveLength(1)
    const cleared = await form('/profile/watch-history/clear', {}, { cookie: member.token })
    expect([cleared.status, cleared.headers.get('location')]).toEqual([303, '/profile?cleared=1'])
    expect(await page('/profile?cleared=1')).toContain('Your watch history is cleared.')
    expect(await page(`/movies/${MOVIE}`)).not.toContain('class="watched-mark"')
    expect(await page('/search?q=Silverado')).not.toMatch(/class="card-watched"/)
    expect([await row(member), await resumeAt(member)]).toEqual([[], 0])
  })

  it('should take a film out of the row on DELETE and put it back with the next report', async () => {
    const member = await signUp()
    const length = await duration()
    await report(member, { position: length * 0.5 })
    expect((await api(`/me/progress/${MOVIE}`, { method: 'DELETE', token: member.token })).status).toBe(204)
    expect(await row(member)).toEqual([])
    expect(await resumeAt(member)).toBeCloseTo(length * 0.5, 3)
    expect((await api(`/me/progress/${NO_VIDEO}`, { method: 'DELETE', token: member.token })).status).toBe(204)
    await report(member, { position: length * 0.6 })
    expect((await row(member)).map((film) => film.id)).toEqual([MOVIE])
    // The row's own form, as htmx posts it: the card goes (nothing in its place), the live region says so.
    const removed = await SELF.fetch(`${ORIGIN}/continue-watching/${MOVIE}/remove`, { method: 'POST', headers: { Cookie: `session=${member.token}`, Origin: ORIGIN, 'HX-Request': 'true' } })
    const fragment = await removed.text()
    expect([removed.status, fragment.includes('role="status"'), fragment.includes('<li')]).toEqual([200, true, false])
    expect(await row(member)).toEqual([])
    // A film whose video was unpublished leaves the row (it could not play), and comes back with it.
    await report(member, { position: length * 0.7 })
    const publish = (published: boolean) => api(`/admin/videos/${videoId}`, { method: 'PATCH', token: operator.token, body: { published } })
    expect((await publish(false)).status).toBe(200)
    try {
      await expect.poll(() => row(member), { timeout: 35_000, interval: 1000 }).toEqual([])
    } finally {
      expect((await publish(true)).status).toBe(200)
    }
    // (The ready-video map may take a moment to see it again: the tests after this one need it.)
    await expect.poll(async () => (await row(member)).map((film) => film.id), { timeout: 35_000, interval: 500 }).toEqual([MOVIE])
  })

  it('should store the newest of 20 reports sent at once, each answered 204', async () => {
    const member = await signUp()
    const length = await duration()
    const base = Date.now() - 60_000
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => report(member, { position: (length * (10 + i * 3)) / 100, at: new Date(base + i * 1000).toISOString() })))
    expect(answers.map((res) => res.status)).toEqual(Array(20).fill(204))
    expect((await row(member))[0]!.position).toBeCloseTo((length * 67) / 100, 3)
  })

  it('should refuse what is not a report: 422 out of range, 401 anonymous, 404 without a video, 429 past 60 a minute', async () => {
    const member = await signUp()
    const length = await duration()
    for (const position of [-1, length + 6]) {
      const res = await report(member, { position })
      expect(res.status).toBe(422)
      expect(((await res.json()) as ErrorJson).error.details?.[0]?.path).toBe('position')
    }
    expect((await api(`/me/progress/${MOVIE}`, { method: 'PUT', body: { position: 1 } })).status).toBe(401)
    expect(((await (await report(member, { position: 1 }, 'PUT', NO_VIDEO)).json()) as ErrorJson).error.code).toBe('video_not_found')
    const statuses: number[] = []
    // Every report counts, refused ones too: three above, 57 more make 60.
    for (let i = 0; i < 57; i++) statuses.push((await report(member, { position: 0.1 })).status)
    expect(statuses.every((status) => status === 204)).toBe(true)
    const limited = await report(member, { position: 0.1 })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})
