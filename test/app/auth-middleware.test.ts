import { createExecutionContext, createWorker, env } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { safeNext } from '../../src/auth/middleware'
import type { Env } from '../../src/config'
import { createServices, type Services } from '../../src/services'

/** The app with an accounts service whose DynamoDB is unreachable. */
const appWithDownDatabase = () => {
  const worker = createWorker({
    services: (ctx) => {
      const real = createServices(ctx)
      const accounts = { userForToken: async () => Promise.reject(new Error('DynamoDB unreachable')) }
      return new Proxy(real, { get: (target, name) => (name === 'accounts' ? accounts : Reflect.get(target, name)) }) as Services
    },
  })
  return { request: (url: string, init: RequestInit, vars: Env) => worker.fetch(new Request(url, init), vars, createExecutionContext()) }
}

describe('authenticate when the session store is down', () => {
  it('should serve pages anonymously but fail API calls rather than pretend the caller is signed out', async () => {
    const app = appWithDownDatabase()
    const cookie = { Cookie: 'session=a.b.c' }
    const health = await app.request('https://example.com/healthz', { headers: cookie }, env as unknown as Env)
    expect(health.status).toBe(200)
    const profile = await app.request('https://example.com/profile', { headers: cookie }, env as unknown as Env)
    expect(profile.status).toBe(303)
    expect(profile.headers.get('Location')).toBe('/login?next=%2Fprofile')
    const api = await app.request('https://example.com/api/v1/me', { headers: cookie }, env as unknown as Env)
    expect(api.status).toBe(500)
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('internal_error')
  })
})

describe('safeNext', () => {
  it('should keep same-site relative paths and turn everything else into /', () => {
    expect(safeNext('/movies/5?x=1#cast')).toBe('/movies/5?x=1#cast')
    for (const bad of ['//evil.com', '/\\evil.com', '/\t/evil.com', 'https://evil.com', 'evil.com', '', undefined, null, `/${'a'.repeat(2001)}`]) {
      expect(safeNext(bad)).toBe('/')
    }
  })
})
