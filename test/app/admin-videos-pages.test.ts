import { SELF } from '@test/runtime'
import { beforeAll, describe, expect, it } from 'vitest'
import { FORM_UPLOAD_LIMIT } from '../../src/videos/types'
import { api, clientIp, ORIGIN, signUp, type TestUser } from '../support/harness/accounts'
import { films } from '../support/harness/films'
import { linkIn, waitForMail } from '../support/harness/mail'

/** The operators' pages (/admin/videos, src/videos/pages.tsx): who may see them, the list, the no-JavaScript forms. */

const PART = 5 * 1024 * 1024 // TEST_BINDINGS.MEDIA_PART_SIZE
/** This file's operator: in TEST_BINDINGS.ADMIN_EMAILS (test/support/harness/operators.ts names one per file). */
const OPERATOR = 'operator@flixpeek.test'
const PASSWORD = 'correct horse battery'
const FAKE_ID = '01J0000000000000000000000A'

let operator: TestUser
let member: TestUser
let movie: { id: number; title: string }

interface VideoJson {
  id: string
  movie_id: number
  label: string | null
  status: string
  size: number
  published: boolean
  parts: { n: number; size: number }[]
  subtitles: string[]
}

/** The operator's account: signed up and confirmed through the emailed link; logged in when an earlier run made it. */
async function theOperator(): Promise<TestUser> {
  const login = await api('/auth/login', { body: { email: OPERATOR, password: PASSWORD } })
  if (login.status === 200) return { ...((await login.json()) as Omit<TestUser, 'email' | 'password'>), email: OPERATOR, password: PASSWORD }
  const user = await signUp({ email: OPERATOR, password: PASSWORD, display_name: 'Page Operator' })
  const [mail] = await waitForMail(OPERATOR, /confirm your email/i)
  const link = linkIn(mail!, '/verify')
  expect((await SELF.fetch(`${ORIGIN}${link.pathname}${link.search}`, { redirect: 'manual' })).status).toBe(200)
  return user
}

const browser = (cookie?: string, headers: Record<string, string> = {}) => ({
  Accept: 'text/html',
  Origin: ORIGIN,
  'Sec-Fetch-Site': 'same-origin',
  'CF-Connecting-IP': clientIp(),
  ...(cookie ? { Cookie: `session=${cookie}` } : {}),
  ...headers,
})
const page = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, { headers: browser(cookie, headers), redirect: 'manual' })
const post = (path: string, cookie?: string, headers: Record<string, string> = {}, body: BodyInit = '') =>
  SELF.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: browser(cookie, { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }),
    body,
    redirect: 'manual',
  })
const htmx = { 'HX-Request': 'true' }

/** A form as a browser encodes it, sent with its Content-Length (as browsers send it). */
async function multipart(path: string, cookie: string, fields: [string, string | File][], headers: Record<string, string> = {}) {
  const form = new FormData()
  for (const [name, value] of fields) form.append(name, value)
  const encoded = new Request(ORIGIN, { method: 'POST', body: form })
  const bytes = new Uint8Array(await encoded.arrayBuffer())
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: browser(cookie, { 'Content-Type': encoded.headers.get('Content-Type')!, 'Content-Length': String(bytes.byteLength), ...headers }),
    body: bytes,
    redirect: 'manual',
  })
}

const randomBytes = (n: number) => {
  const bytes = new Uint8Array(n)
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)))
  return bytes
}

const videos = async () => ((await (await api('/admin/videos', { token: operator.token })).json()) as { results: VideoJson[] }).results

beforeAll(async () => {
  const [op, fr, [film]] = await Promise.all([theOperator(), signUp({ language: 'fr' }), films(1, 3)])
  ;[operator, member, movie] = [op, fr, film!]
}, 60_000)

describe('who may open the video library', { timeout: 30_000 }, () => {
  const posts = [
    '/admin/videos/upload',
    `/admin/videos/${FAKE_ID}/subtitles`,
    `/admin/videos/${FAKE_ID}/publish`,
    `/admin/videos/${FAKE_ID}/unpublish`,
    `/admin/videos/${FAKE_ID}/cancel`,
    `/admin/videos/${FAKE_ID}/retry`,
    `/admin/videos/${FAKE_ID}/delete`,
  ]

  it('should send an anonymous visitor to the login page, never cached', async () => {
    const res = await page('/admin/videos')
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/login?next=%2Fadmin%2Fvideos')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    for (const path of [...posts, '/admin/videos/list', `/admin/videos/${FAKE_ID}/state`]) {
      const answer = path.endsWith('/list') || path.endsWith('/state') ? await page(path) : await post(path)
      expect(answer.status, path).toBe(303)
      expect(answer.headers.get('Location'), path).toMatch(/^\/login/)
    }
    // With htmx, the whole page goes to the login page.
    const fragment = await post(`/admin/videos/${FAKE_ID}/publish`, undefined, htmx)
    expect(fragment.headers.get('HX-Redirect')).toMatch(/^\/login/)
  })

  it('should show a member who is not an operator a friendly 403 page, on every page and form', async () => {
    const res = await page('/admin/videos', member.token)
    expect(res.status).toBe(403)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    // In the member's language, with their account menu.
    const html = await res.text()
    expect(html).toContain('La vidéothèque est réservée aux opérateurs de ce site.')
    expect(html).toContain('class="account-name"')
    for (const path of posts) {
      const denied = await post(path, member.token, { 'Content-Length': '0' })
      expect(denied.status, path).toBe(403)
      expect(denied.headers.get('Cache-Control'), path).toBe('no-store')
    }
    expect((await page('/admin/videos/list', member.token)).status).toBe(403)
  })

  it('should refuse a cross-site form post from an operator (CSRF)', async () => {
    const res = await post(`/admin/videos/${FAKE_ID}/publish`, operator.token, { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('came from another site')
  })
})

describe('the video library for an operator', { timeout: 60_000 }, () => {
  it('should list the videos with their film, state and the upload form, never cached', async () => {
    const started = await api('/admin/videos', { token: operator.token, body: { movie_id: movie.id, size: 3 * PART, license: 'CC BY 4.0', credit: 'Page tests', label: 'Listed' } })
    expect(started.status).toBe(201)
    const video = (await started.json()) as VideoJson

    const res = await page('/admin/videos', operator.token)
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const html = await res.text()
    expect(html).toMatch(/<h1[^>]*>Video library<\/h1>/)
    expect(html).toMatch(/<form[^>]*action="\/admin\/videos\/upload"[^>]*enctype="multipart\/form-data"/)
    expect(html).toContain('/assets/upload.js?v=')
    expect(html).toContain('files up to 25 MB')
    expect(html).toContain('<code>npm run video:add</code>')
    // Its row: the title from the catalog, uploading with its parts, polling while busy, its cancel button.
    const row = html.slice(html.indexOf(`id="video-${video.id}"`))
    expect(row).toContain(movie.title)
    expect(row).toContain('Listed')
    expect(row).toContain('0 of 3 parts received')
    expect(row).toContain(`hx-get="/admin/videos/${video.id}/state?was=uploading"`)
    expect(row).toContain('hx-trigger="every 5s"')
    expect(row).toContain(`action="/admin/videos/${video.id}/cancel"`)
    expect(row).toContain('15 MB')
    expect(row).toContain(operator.user.display_name)

    // The poll answers with the status block while nothing changed, and with the whole row once it did.
    const same = await page(`/admin/videos/${video.id}/state?was=uploading`, operator.token, htmx)
    expect(same.headers.get('HX-Retarget')).toBeNull()
    expect(await same.text()).toMatch(/^<div id="video-state-/)
    const cancelled = await post(`/admin/videos/${video.id}/cancel`, operator.token, htmx)
    expect(cancelled.status).toBe(200)
    const gone = await page(`/admin/videos/${video.id}/state?was=uploading`, operator.token, htmx)
    expect(gone.headers.get('HX-Retarget')).toBe(`#video-${video.id}`)
    expect(await gone.text()).toBe('')
    expect((await videos()).some((v) => v.id === video.id)).toBe(false)
  })

  it('should take a file without JavaScript (streamed multipart) and leave a queued video with every part', async () => {
    const size = PART + 700_000
    const file = new File([randomBytes(size)], 'clip.mp4', { type: 'video/mp4' })
    const res = await multipart('/admin/videos/upload', operator.token, [
      ['movie_id', String(movie.id)],
      ['license', 'CC BY 3.0'],
      ['credit', '© Page tests'],
      ['label', 'No script'],
      ['file', file],
    ])
    expect(res.status, await res.clone().text()).toBe(303)
    expect(res.headers.get('Location')).toBe('/admin/videos?notice=uploaded')
    expect(res.headers.get('Cache-Control')).toBe('no-store')

    const video = (await videos()).find((v) => v.label === 'No script')!
    expect(video).toMatchObject({ movie_id: movie.id, status: 'queued', size, published: true })
    expect(video.parts.map((p) => [p.n, p.size])).toEqual([
      [1, PART],
      [2, size - PART],
    ])
    const after = await (await page('/admin/videos?notice=uploaded', operator.token)).text()
    expect(after).toContain('The video is uploaded and queued for transcoding.')
    expect(after).toContain('Queued')

    // Subtitles without JavaScript, then unpublish (a plain post) and publish again (htmx swaps the row).
    const srt = new File(['1\n00:00:00,000 --> 00:00:01,500\nHello\n'], 'fr.srt', { type: 'application/x-subrip' })
    const subtitles = await multipart(`/admin/videos/${video.id}/subtitles`, operator.token, [['language', 'fr'], ['file', srt]])
    expect(subtitles.status).toBe(303)
    expect(subtitles.headers.get('Location')).toBe('/admin/videos?notice=subtitles')
    const unpublished = await post(`/admin/videos/${video.id}/unpublish`, operator.token)
    expect(unpublished.headers.get('Location')).toBe('/admin/videos?notice=unpublished')
    const published = await post(`/admin/videos/${video.id}/publish`, operator.token, htmx)
    const fragment = await published.text()
    expect(fragment).not.toContain('<html')
    expect(fragment).toContain(`<li id="video-${video.id}"`)
    expect(fragment).toContain(`action="/admin/videos/${video.id}/unpublish"`)
    expect(fragment).toContain('id="live-status"')
    expect((await videos()).find((v) => v.id === video.id)).toMatchObject({ published: true, subtitles: ['fr'] })

    // Deleting with htmx empties the row and says so.
    const deleted = await post(`/admin/videos/${video.id}/delete`, operator.token, htmx)
    const gone = await deleted.text()
    expect(gone).not.toContain(`<li id="video-${video.id}"`)
    expect(gone).toContain('The video is deleted.')
    expect((await videos()).some((v) => v.id === video.id)).toBe(false)
  })

  it('should refuse a body over the form limit with a 413 page, without reading it', async () => {
    let pulls = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++
        controller.enqueue(new Uint8Array(65536))
      },
    })
    const res = await SELF.fetch(`${ORIGIN}/admin/videos/upload`, {
      method: 'POST',
      headers: browser(operator.token, { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(FORM_UPLOAD_LIMIT + 1024 * 1024) }),
      body,
      duplex: 'half',
      redirect: 'manual',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const html = await res.text()
    expect(html).toContain('This file is larger than 25 MB, the most this form takes without JavaScript.')
    expect(html).toContain('<code>npm run video:add</code>')
    expect(pulls).toBeLessThanOrEqual(1)
  })

  it('should answer broken multipart bodies with a 4xx page, never a 5xx, and leave no upload behind', async () => {
    // This test's film only: other files add videos to the library meanwhile.
    const ours = async () => (await videos()).filter((video) => video.movie_id === movie.id).length
    const before = await ours()
    const boundary = 'XyZ'
    const head = (file = true) =>
      [`--${boundary}`, 'Content-Disposition: form-data; name="movie_id"', '', String(movie.id), `--${boundary}`, 'Content-Disposition: form-data; name="license"', '', 'CC0']
        .concat(file ? [`--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="x.mp4"', 'Content-Type: video/mp4', '', ''] : [])
        .join('\r\n')
    const cases: { name: string; body: string; type?: string; length?: string }[] = [
      { name: 'no boundary', body: head(), type: 'multipart/form-data' },
      { name: 'not multipart', body: 'movie_id=1&license=x', type: 'application/x-www-form-urlencoded' },
      { name: 'truncated file', body: `${head()}${'a'.repeat(5000)}`, length: String(head().length + 9000) },
      { name: 'longer than declared', body: `${head()}${'a'.repeat(5000)}\r\n--${boundary}--\r\n`, length: String(head().length + 100) },
      { name: 'no closing delimiter', body: `${head()}${'a'.repeat(100)}` },
      { name: 'garbage', body: '\u0000\u0001--XyZ\r\nnonsense\r\n\r\n' },
      { name: 'no file part', body: `${head(false)}\r\n--${boundary}--\r\n` },
      { name: 'bad length', body: head(), length: 'lots' },
    ]
    for (const c of cases) {
      const bytes = new TextEncoder().encode(c.body)
      const res = await SELF.fetch(`${ORIGIN}/admin/videos/upload`, {
        method: 'POST',
        headers: browser(operator.token, { 'Content-Type': c.type ?? `multipart/form-data; boundary=${boundary}`, 'Content-Length': c.length ?? String(bytes.byteLength) }),
        body: bytes,
        redirect: 'manual',
      })
      expect(res.status, c.name).toBeGreaterThanOrEqual(400)
      expect(res.status, c.name).toBeLessThan(500)
      expect(res.headers.get('Content-Type'), c.name).toContain('text/html')
      await res.arrayBuffer()
    }
    expect(await ours()).toBe(before)
  })

  it('should show what is wrong with the form next to its fields', async () => {
    const file = new File([randomBytes(1000)], 'small.mp4')
    const missing = await multipart('/admin/videos/upload', operator.token, [['movie_id', 'abc'], ['license', ' '], ['file', file]])
    expect(missing.status).toBe(422)
    const html = await missing.text()
    expect(html).toContain('Enter the id of the film, a whole number such as 603.')
    expect(html).toMatch(/id="upload-license-error"/)
    expect(html).toContain('value="abc"')

    const unknown = await multipart('/admin/videos/upload', operator.token, [['movie_id', '1234'], ['license', 'CC0'], ['file', file]])
    expect(unknown.status).toBe(422)
    expect(await unknown.text()).toContain('There is no film with this id.')
    expect((await videos()).some((v) => v.size === 1000)).toBe(false)
  })
})
