import { expect } from 'vitest'

/** A tiny HTTP client for the black-box suite: only what a user of the public contract would send. */
export interface Client {
  base: string
  get(path: string, init?: RequestInit): Promise<Response>
  json<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T; headers: Headers }>
}

export function client(base: string): Client {
  return {
    base,
    get: (path, init) => fetch(`${base}${path}`, { redirect: 'manual', ...init }),
    async json(method, path, body, token) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
      const text = await response.text()
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers }
    },
  }
}

/** The contract's error body, with a request id in the body and the header. */
export function expectError(result: { status: number; body: any; headers: Headers }, status: number, code: string): void {
  expect(result.status, JSON.stringify(result.body)).toBe(status)
  expect(result.body.error.code).toBe(code)
  expect(typeof result.body.error.message).toBe('string')
  expect(result.body.error.request_id).toBe(result.headers.get('X-Request-Id'))
}

export const uniqueEmail = (label: string) => `${label}-${crypto.randomUUID().slice(0, 12)}@example.com`
export const PASSWORD = 'correct horse battery'

/** Signs a new user up over the API; returns the token and the user. */
export async function signUp(api: Client, label: string): Promise<{ token: string; user: { id: string; email: string; display_name: string } }> {
  const result = await api.json('POST', '/api/v1/auth/signup', { email: uniqueEmail(label), password: PASSWORD, display_name: `BB ${label}` })
  expect(result.status, JSON.stringify(result.body)).toBe(201)
  return result.body
}

/** Repeats `attempt` (a cron drain, then a look) until it returns a value, up to `tries` times. */
export async function eventually<T>(attempt: () => Promise<T | undefined>, tries = 40, pauseMs = 250): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const value = await attempt()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, pauseMs))
  }
  return undefined
}
