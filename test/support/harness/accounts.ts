import { SELF } from '@test/runtime'
import { recordOwner } from './owners'

export const ORIGIN = 'https://example.com'

/** A client address no other test uses, so per-client limits never leak between tests. */
export const clientIp = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(3))
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`
}

export const uniqueEmail = (label = 'user') => `${label}-${crypto.randomUUID().slice(0, 12)}@example.com`

export interface CallOptions {
  method?: string
  body?: unknown
  token?: string
  cookie?: string
  headers?: Record<string, string>
  ip?: string
}

/** A JSON API call, as a non-browser client makes it (no Origin) unless headers say otherwise. */
export function api(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'CF-Connecting-IP': opts.ip ?? clientIp(), ...opts.headers }
  if (opts.body !== undefined) headers['Content-Type'] ??= 'application/json'
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`
  if (opts.cookie) headers.Cookie = `session=${opts.cookie}`
  return SELF.fetch(`${ORIGIN}/api/v1${path}`, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    redirect: 'manual',
  })
}

export interface TestUser {
  token: string
  user: { id: string; email: string; display_name: string; language: string; created_at: string }
  email: string
  password: string
}

export async function signUp(fields: { email?: string; password?: string; display_name?: string; language?: string } = {}): Promise<TestUser> {
  const email = fields.email ?? uniqueEmail()
  const password = fields.password ?? 'correct horse battery'
  await recordOwner(email)
  const res = await api('/auth/signup', { body: { ...fields, email, password } })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as Omit<TestUser, 'email' | 'password'>
  return { ...body, email, password }
}

export type ErrorJson = { error: { code: string; message: string; request_id: string; details?: { path: string; message: string }[] } }

/** Form POST as a browser on this site sends it (Origin set), unless headers say otherwise. */
export function form(path: string, fields: Record<string, string>, opts: { cookie?: string; headers?: Record<string, string>; ip?: string } = {}) {
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: ORIGIN,
      'Sec-Fetch-Site': 'same-origin',
      'CF-Connecting-IP': opts.ip ?? clientIp(),
      ...(opts.cookie ? { Cookie: `session=${opts.cookie}` } : {}),
      ...opts.headers,
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
}

/** The session cookie value a response sets, if any. */
export function sessionCookieOf(res: Response): string | undefined {
  const header = sessionSetCookie(res)
  const value = header?.slice('session='.length).split(';')[0]
  return value || undefined
}

/** The whole Set-Cookie line for the session cookie, if the response sets one. */
export function sessionSetCookie(res: Response): string | undefined {
  const all = res.headers.get('Set-Cookie') ?? ''
  return all.split(/,\s*(?=[A-Za-z0-9_-]+=)/).find((c) => c.startsWith('session='))
}
