import { createExecutionContext, createWorker, env, SELF, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'

/** One request through a worker whose bindings differ from the suite's (another table, a dead endpoint). */
async function call(path: string, overrides: Record<string, string>, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext()
  const bindings = { ...(env as unknown as Record<string, unknown>), ...overrides }
  const res = await createWorker().fetch(new Request(`https://example.com${path}`, init), bindings as never, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

const signUp = (email: string): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Origin: 'https://example.com' },
  body: JSON.stringify({ email, password: 'a long enough password', display_name: 'Ready Reader' }),
})

describe('liveness and readiness', () => {
  it('should answer /livez with ok without touching the data store', async () => {
    const res = await call('/livez', { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' })
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('should answer /healthz 200 with its checks when the table answers', async () => {
    const res = await SELF.fetch('https://example.com/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', checks: { dynamodb: 'ok' } })
  })

  it('should answer /healthz 503 with Retry-After while the table does not exist yet', async () => {
    const res = await call('/healthz', { DYNAMODB_TABLE: `missing-${crypto.randomUUID()}` })
    expect(res.status).toBe(503)
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { dynamodb: 'unavailable' } })
  })

  it('should answer /healthz 503 when DynamoDB is unreachable', { timeout: 30_000 }, async () => {
    const res = await call('/healthz', { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' })
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).not.toBeNull()
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { dynamodb: 'unavailable' } })
  })
})

describe('a missing table', () => {
  it('should answer a sign-up with 503 upstream_unavailable and Retry-After, never a 500', async () => {
    const res = await call('/api/v1/auth/signup', { DYNAMODB_TABLE: `missing-${crypto.randomUUID()}` }, signUp(`early-${crypto.randomUUID()}@example.com`))
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toBe('5')
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('upstream_unavailable')
    expect(body.error.message).not.toMatch(/ResourceNotFound|missing-/)
  })

  it('should render the sign-up page form post as a friendly 503 page', async () => {
    const res = await call('/signup', { DYNAMODB_TABLE: `missing-${crypto.randomUUID()}` }, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://example.com' },
      body: new URLSearchParams({ email: `page-${crypto.randomUUID()}@example.com`, password: 'a long enough password', display_name: 'Page' }).toString(),
    })
    expect(res.status).toBe(503)
    expect(res.headers.get('Content-Type')).toContain('text/html')
  })
})
