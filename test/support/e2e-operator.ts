import { expect } from 'vitest'

/** The e2e stack's operator (test/support/global-e2e.ts's ADMIN_EMAILS) and its password. */
export const E2E_OPERATOR = { email: 'operator@flixpeek.test', password: 'projector and popcorn' }

/**
 * The operator's bearer token on the stack at `baseUrl`: signed up and confirmed through the emailed link (read from
 * the local SES at `mailUrl`), or logged in when an earlier file already signed it up.
 */
export async function operatorToken(baseUrl: string, mailUrl: string): Promise<string> {
  const post = (path: string, body: object) => fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  const signup = await post('/api/v1/auth/signup', { ...E2E_OPERATOR, display_name: 'Olu Operator' })
  if (signup.status === 409) return ((await (await post('/api/v1/auth/login', E2E_OPERATOR)).json()) as { token: string }).token
  expect(signup.status).toBe(201)
  let link: string | undefined
  for (let i = 0; i < 100 && !link; i++) {
    const { emails } = (await (await fetch(`${mailUrl}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] }
    const mail = emails.find((e) => e.destination.to.includes(E2E_OPERATOR.email) && /\/verify\?/.test(e.body.text ?? ''))
    link = /https?:\/\/\S+\/verify\?\S+/.exec(mail?.body.text ?? '')?.[0]
    if (!link) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (!link) throw new Error('no verification email reached the operator')
  const verify = new URL(link)
  expect((await fetch(`${baseUrl}${verify.pathname}${verify.search}`)).status).toBe(200)
  return ((await signup.json()) as { token: string }).token
}

/**
 * Uploads `bytes` as the film's video (one part) with the given subtitles (language → SubRip) as the operator holding
 * `operator`, and waits for the stack's transcoder to make it ready and for the app to show it (its ready-video map is
 * up to 30 s behind: until then the film has no Play button). Returns the video's id.
 */
export async function readyVideo(baseUrl: string, operator: string, movieId: number, bytes: Buffer, subtitles: Record<string, string>): Promise<string> {
  const auth = { Authorization: `Bearer ${operator}` }
  const json = async <T>(path: string, init: RequestInit = {}) => {
    const res = await fetch(`${baseUrl}${path}`, { ...init, headers: { 'Content-Type': 'application/json', ...auth, ...init.headers } })
    return { status: res.status, body: (await res.json().catch(() => null)) as T }
  }
  const created = await json<{ id: string }>('/api/v1/admin/videos', { method: 'POST', body: JSON.stringify({ movie_id: movieId, size: bytes.byteLength, license: 'CC0 (generated)', credit: 'Flixpeek tests' }) })
  expect(created.status).toBe(201)
  const id = created.body.id
  const part = await fetch(`${baseUrl}/api/v1/admin/videos/${id}/parts/1`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(bytes) })
  expect(part.status).toBe(200)
  expect((await json(`/api/v1/admin/videos/${id}/complete`, { method: 'POST' })).status).toBe(202)
  for (const [lang, text] of Object.entries(subtitles)) {
    const put = await fetch(`${baseUrl}/api/v1/admin/videos/${id}/subtitles/${lang}`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'text/plain' }, body: text })
    expect(put.status).toBe(201)
  }
  // (Called from beforeAll, where expect.poll is not available.)
  for (let waited = 0; ; waited += 250) {
    const { status } = (await json<{ status: string }>(`/api/v1/admin/videos/${id}`)).body
    if (status === 'ready') break
    if (status === 'failed' || waited > 90_000) throw new Error(`the clip did not become ready (${status})`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  // Signed in, so no shared copy of the answer stands in for the app's own view.
  for (let waited = 0; ; waited += 500) {
    const { body } = await json<{ video: unknown }>(`/api/v1/movies/${movieId}`)
    if (body.video) return id
    if (waited > 45_000) throw new Error('the app never showed the ready video')
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
