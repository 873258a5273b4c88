import { env, SELF } from '@test/runtime'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ORIGIN, signUp } from '../../support/harness/accounts'

/**
 * Property-based fuzzing of every route in the OpenAPI document plus every HTML form and page, with
 * arbitrary paths, ids, query strings, bodies, content types, unicode (lone surrogates, RTL marks, NUL),
 * oversize inputs, and forged cookies and tokens. Invariant: no 5xx; every /api 4xx has the contract's
 * error shape; HTML errors are friendly pages (no stack trace).
 *
 * npm test runs a fixed seed. A bigger run: FUZZ_RUNS=2000 npx vitest run --project app test/app/fuzz
 * A failure prints its seed and path; replay it with FUZZ_SEED=<seed> FUZZ_PATH=<path> (same command).
 */
const vars = env as unknown as { FUZZ_RUNS?: string; FUZZ_SEED?: string; FUZZ_PATH?: string }
const RUNS = Number(vars.FUZZ_RUNS || 150)
const SEED = Number(vars.FUZZ_SEED || 20261125)
const PATH = vars.FUZZ_PATH || undefined

/** The HTML side: pages and every form (method, path template, the form's field names). */
const HTML_ROUTES: { method: string; path: string; fields?: string[] }[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/home/rows' },
  { method: 'GET', path: '/search' },
  { method: 'GET', path: '/genres/{id}' },
  { method: 'GET', path: '/movies/{id}' },
  { method: 'GET', path: '/signup' },
  { method: 'GET', path: '/login' },
  { method: 'GET', path: '/profile' },
  { method: 'GET', path: '/watchlist' },
  { method: 'GET', path: '/notifications' },
  { method: 'GET', path: '/notifications/bell' },
  { method: 'POST', path: '/signup', fields: ['email', 'password', 'display_name', 'language', 'next'] },
  { method: 'POST', path: '/login', fields: ['email', 'password', 'next'] },
  { method: 'POST', path: '/logout', fields: ['everywhere'] },
  { method: 'POST', path: '/profile', fields: ['email', 'display_name', 'language', 'new_password', 'current_password', 'notifications_shown', 'notify_release'] },
  { method: 'POST', path: '/profile/delete', fields: ['delete_password'] },
  { method: 'POST', path: '/watchlist/{id}', fields: [] },
  { method: 'POST', path: '/watchlist/{id}/remove', fields: [] },
  { method: 'DELETE', path: '/watchlist/{id}' },
  { method: 'POST', path: '/movies/{id}/reviews', fields: ['rating', 'text'] },
  { method: 'POST', path: '/movies/{id}/reviews/delete', fields: [] },
  { method: 'POST', path: '/notifications/{id}/read', fields: [] },
  { method: 'POST', path: '/notifications/read-all', fields: [] },
  { method: 'GET', path: '/movie/{title}' },
  { method: 'GET', path: '/{anything}' },
]

/** Strings that have broken parsers elsewhere: control and bidi characters, lone surrogates, huge ids. */
const NASTY = [
  '', ' ', '0', '-1', '1.5', '1e3', '2147483648', '999999999999999999999', 'NaN', 'null', 'undefined', '[]', '{}',
  '\u0000', '\r\n', '%00', '%0D%0A', '%', '%zz', '..', '../..', '//evil.com', '/\\evil.com', '\u202E', '\u2066x\u2069', '\u200B', '\uFEFF',
  '\ud800', '\udfff', 'a\ud800b', '\u{1F469}\u200D\u{1F4BB}', '<script>alert(1)</script>', '"\'`', '${{x}}', 'a'.repeat(3000),
]
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 1_000_000_000 }).map(String) },
)
/** Ids: mostly plausible film and notification ids, often broken ones. */
const id = fc.oneof(fc.constantFrom('900000001', '900000002', '550', '1234', '1'), text)
const jsonValue = fc.jsonValue({ maxDepth: 3 })
const body = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.constantFrom('email', 'password', 'display_name', 'language', 'rating', 'text', 'current_password', 'notifications', 'q', 'page'), fc.oneof(text, jsonValue)).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '\u0000\u0001', 'x'.repeat(70 * 1024), `{"text":"${'y'.repeat(5000)}"}`) },
)
const contentType = fc.constantFrom(
  undefined, 'application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'multipart/form-data', 'text/plain', 'application/xml', '', 'application/json\u0000', '*/*',
)
const query = fc.dictionary(fc.constantFrom('page', 'q', 'window', 'next', 'limit', 'cursor', 'language', 'x', 'id'), text, { maxKeys: 3 })
/** Who the caller claims to be: nobody, the real user, or forged and garbage credentials. */
const auth = fc.constantFrom('none', 'bearer', 'cookie', 'forged-bearer', 'forged-cookie', 'garbage-bearer', 'alg-none', 'expired-ish')
const browser = fc.constantFrom('none', 'same-origin', 'cross-origin', 'null-origin', 'sec-fetch-cross')
const accept = fc.constantFrom(undefined, 'text/html', 'application/json', '*/*')

interface Case {
  route: { method: string; path: string; fields?: string[] }
  id: string
  query: Record<string, string>
  body: string
  form: Record<string, string>
  contentType: string | undefined
  auth: string
  browser: string
  accept: string | undefined
  htmx: boolean
}

const b64url = (s: string) => btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
function credential(kind: string, token: string): string | undefined {
  const [header, payload] = token.split('.')
  switch (kind) {
    case 'bearer':
    case 'cookie':
      return token
    case 'forged-bearer':
    case 'forged-cookie':
      return `${header}.${payload}.${b64url('not the signature at all, forged')}`
    case 'alg-none':
      return `${b64url('{"alg":"none","typ":"JWT"}')}.${payload}.`
    case 'expired-ish':
      return `${header}.${b64url('{"sub":"x","tv":1,"iat":1,"exp":2}')}.${token.split('.')[2]}`
    case 'garbage-bearer':
      return 'garbage\u202E'
    default:
      return undefined
  }
}

/** Header values must be ByteStrings: keep what a real client could send. */
const headerSafe = (value: string) => value.replace(/[^\u0020-\u007e]/g, '?')
/** Percent-encodes a path segment; a lone surrogate becomes the (invalid) UTF-8 of a surrogate, as a hostile client could send. */
const segment = (value: string) => value.replace(/[\ud800-\udfff]/g, '\u0000LONE\u0000').split('\u0000LONE\u0000').map(encodeURIComponent).join('%ED%A0%80')
const fill = (path: string, value: string) => path.replace(/\{[A-Za-z_]+\}/g, () => segment(value))

function requestFor(c: Case, token: string): Request {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(c.query)) params.append(key, value)
  const qs = params.toString()
  const url = `${ORIGIN}${fill(c.route.path, c.id)}${qs ? `?${qs}` : ''}`
  const headers = new Headers({ 'CF-Connecting-IP': `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` })
  const cred = credential(c.auth, token)
  if (cred !== undefined) {
    if (c.auth.includes('cookie')) headers.set('Cookie', `session=${headerSafe(cred)}`)
    else headers.set('Authorization', `Bearer ${headerSafe(cred)}`)
  }
  if (c.browser === 'same-origin') {
    headers.set('Origin', ORIGIN)
    headers.set('Sec-Fetch-Site', 'same-origin')
  }
  if (c.browser === 'cross-origin') headers.set('Origin', 'https://evil.example')
  if (c.browser === 'null-origin') headers.set('Origin', 'null')
  if (c.browser === 'sec-fetch-cross') headers.set('Sec-Fetch-Site', 'cross-site')
  if (c.accept) headers.set('Accept', c.accept)
  if (c.htmx) headers.set('HX-Request', 'true')
  const hasBody = c.route.method !== 'GET' && c.route.method !== 'HEAD'
  let payload: string | undefined
  if (hasBody) {
    const isForm = c.route.fields !== undefined && (c.contentType ?? '').startsWith('application/x-www-form-urlencoded')
    payload = isForm ? new URLSearchParams(c.form).toString() : c.body
    if (c.contentType !== undefined) headers.set('Content-Type', headerSafe(c.contentType))
  }
  return new Request(url, { method: c.route.method, headers, body: payload, redirect: 'manual' })
}

const SNAKE = /^[a-z][a-z0-9_]*$/

async function checkResponse(c: Case, res: Response): Promise<void> {
  const where = `${c.route.method} ${c.route.path} → ${res.status}`
  const bodyText = await res.text()
  expect(res.status, where).toBeLessThan(500)
  expect(res.headers.get('X-Request-Id'), where).toBeTruthy()
  if (res.status < 400) return
  const path = c.route.path
  if (path.startsWith('/api/') || path.startsWith('/movie/')) {
    const json = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown; request_id?: unknown; details?: unknown } }
    expect(json.error, where).toBeTypeOf('object')
    expect(json.error!.code, where).toMatch(SNAKE)
    expect(json.error!.message, where).toBeTypeOf('string')
    expect(json.error!.request_id, where).toBe(res.headers.get('X-Request-Id'))
    if (json.error!.details !== undefined) {
      for (const detail of json.error!.details as { path: unknown; message: unknown }[]) {
        expect(typeof detail.path === 'string' && typeof detail.message === 'string', where).toBe(true)
      }
    }
    if (res.status === 429) expect(res.headers.get('Retry-After'), where).toMatch(/^\d+$/)
    return
  }
  const type = res.headers.get('Content-Type') ?? ''
  if (type.includes('application/json')) {
    // An HTML route asked for JSON (Accept) answers the same error shape.
    const json = JSON.parse(bodyText) as { error?: { code?: string } }
    expect(json.error?.code, where).toMatch(SNAKE)
    return
  }
  if (c.htmx && bodyText === '') return
  expect(type, where).toContain('text/html')
  expect(bodyText, where).toMatch(/<html|<main|<section|<div|<p/)
  expect(bodyText, where).not.toMatch(/\bat \S+\.(ts|js):\d+|Error: |stack/)
}

describe('fuzz: every API route and HTML form', { timeout: 120_000 + RUNS * 1_000 }, () => {
  it(`should never answer 5xx, and keep the error shapes (seed ${SEED}, ${RUNS} runs)`, async () => {
    const doc = (await (await SELF.fetch(`${ORIGIN}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> }
    const apiRoutes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path })),
    )
    expect(apiRoutes.length).toBeGreaterThan(15)
    // Unknown API paths and methods too.
    const routes = [...apiRoutes, { method: 'GET', path: '/api/v1/{anything}' }, { method: 'PATCH', path: '/api/v1/movies/{id}' }, ...HTML_ROUTES]
    const user = await signUp({ display_name: 'Fuzz Target' })
    const statuses = new Map<number, number>()

    const caseArb = fc.record({
      route: fc.constantFrom(...routes),
      id,
      query,
      body,
      form: fc.dictionary(fc.constantFrom('email', 'password', 'display_name', 'language', 'next', 'rating', 'text', 'current_password', 'delete_password', 'new_password', 'everywhere'), text, { maxKeys: 5 }),
      contentType,
      auth,
      browser,
      accept,
      htmx: fc.boolean(),
    })
    // Some cases mutate the account (logout-all, password-confirmed changes fail closed); a fresh token per run keeps "bearer" meaningful.
    let token = user.token
    const property = fc.asyncProperty(caseArb, async (c) => {
      const res = await SELF.fetch(requestFor(c, token))
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      await checkResponse(c, res)
      if (c.route.path === '/api/v1/auth/logout-all' || c.route.path === '/logout') {
        const again = await SELF.fetch(`${ORIGIN}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '10.250.0.1' },
          body: JSON.stringify({ email: user.email, password: user.password }),
        })
        if (again.status === 200) token = ((await again.json()) as { token: string }).token
        else await again.arrayBuffer()
      }
    })
    try {
      await fc.assert(property, { numRuns: RUNS, seed: SEED, path: PATH })
    } finally {
      const counts = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ')
      console.info(`fuzz (seed ${SEED}, ${RUNS} runs) statuses: ${counts}`)
    }
  })
})
