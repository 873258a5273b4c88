import { createExecutionContext, createWorker, env, SELF, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'

describe('system routes', () => {
  it('answers /healthz with ok and a request id', async () => {
    const res = await SELF.fetch('https://example.com/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', checks: { dynamodb: 'ok' } })
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('echoes a well-formed caller request id and replaces a malformed one', async () => {
    const ok = await SELF.fetch('https://example.com/healthz', { headers: { 'X-Request-Id': 'trace-12345678' } })
    expect(ok.headers.get('X-Request-Id')).toBe('trace-12345678')
    const bad = await SELF.fetch('https://example.com/healthz', { headers: { 'X-Request-Id': '<script>' } })
    expect(bad.headers.get('X-Request-Id')).not.toContain('<')
  })

  it('sends security headers on every response', async () => {
    for (const path of ['/healthz', '/no-such-page', '/api/v1/nope']) {
      const res = await SELF.fetch(`https://example.com${path}`)
      const csp = res.headers.get('Content-Security-Policy') ?? ''
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).toContain("frame-ancestors 'none'")
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
      expect(res.headers.get('X-Frame-Options')).toBe('DENY')
      expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin')
      expect(res.headers.get('Strict-Transport-Security')).toContain('max-age=')
    }
  })

  it('answers an unknown API route with the contract error shape', async () => {
    const res = await SELF.fetch('https://example.com/api/v1/nope')
    expect(res.status).toBe(404)
    const body = (await res.json()) as { error: { code: string; message: string; request_id: string } }
    expect(body.error.code).toBe('not_found')
    expect(body.error.request_id).toBe(res.headers.get('X-Request-Id'))
  })

  it('answers an unknown page with a friendly HTML 404', async () => {
    const res = await SELF.fetch('https://example.com/no-such-page')
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toContain('text/html')
    const html = await res.text()
    expect(html).toContain('Page not found')
    expect(html).not.toMatch(/at .*\.ts:\d+/)
  })

  it('lets any origin call the API without credentials', async () => {
    const res = await SELF.fetch('https://example.com/api/v1/openapi.json', {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    })
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull()
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization')
  })

  it('applies the same CORS policy to the JSON routes outside /api/v1 (/movie/:title, /healthz)', async () => {
    const origin = 'https://elsewhere.example'
    for (const path of ['/movie/up', '/healthz']) {
      const preflight = await SELF.fetch(`https://example.com${path}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
      })
      expect(preflight.status, path).toBe(204)
      expect(preflight.headers.get('Access-Control-Allow-Headers')?.toLowerCase(), path).toContain('authorization')
      const res = await SELF.fetch(`https://example.com${path}`, { headers: { Origin: origin } })
      expect(res.status, path).toBe(200)
      expect(res.headers.get('Access-Control-Allow-Origin'), path).toBe('*')
      expect(res.headers.get('Access-Control-Allow-Credentials'), path).toBeNull()
    }
  })

  it('serves an OpenAPI 3 document listing the health route', async () => {
    const res = await SELF.fetch('https://example.com/api/v1/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toMatch(/^3\./)
    expect(doc.paths['/healthz']).toBeDefined()
  })

  it('documents only API operations, each declaring every path parameter it uses', async () => {
    type Operation = { summary: string; parameters?: { name: string; in: string; required?: boolean }[] }
    const doc = (await (await SELF.fetch('https://example.com/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> }
    const listed = Object.keys(doc.paths)
    // HTML form routes (POST /watchlist/:id, POST /movies/:id/reviews…) are not part of the JSON API.
    expect(listed.filter((path) => !/^\/(api\/v1\/|healthz$|livez$|movie\/)/.test(path))).toEqual([])
    for (const [path, operations] of Object.entries(doc.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.summary, `${method} ${path}`).not.toBe('')
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path' && p.required).map((p) => p.name)
        expect(declared.sort(), `${method} ${path}`).toEqual([...templated].sort())
      }
    }
    expect(doc.paths['/movie/{title}']?.get?.parameters?.[0]).toMatchObject({ name: 'title', in: 'path', required: true })
  })

  it('lists every route of the contract, the document itself included', async () => {
    const doc = (await (await SELF.fetch('https://example.com/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> }
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
    const contract = [
      'GET /api/v1/movies/popular', 'GET /api/v1/movies/top_rated', 'GET /api/v1/movies/now_playing', 'GET /api/v1/movies/trending',
      'GET /api/v1/movies/search', 'GET /api/v1/movies/{id}', 'GET /api/v1/genres', 'GET /api/v1/genres/{id}/movies',
      'POST /api/v1/auth/signup', 'POST /api/v1/auth/login', 'POST /api/v1/auth/logout-all',
      'GET /api/v1/me', 'PATCH /api/v1/me', 'DELETE /api/v1/me', 'GET /api/v1/me/export',
      'GET /api/v1/me/watchlist', 'PUT /api/v1/me/watchlist/{movieId}', 'DELETE /api/v1/me/watchlist/{movieId}',
      'GET /api/v1/me/notifications', 'POST /api/v1/me/notifications/{id}/read', 'POST /api/v1/me/notifications/read-all',
      'GET /api/v1/movies/{id}/reviews', 'PUT /api/v1/movies/{id}/reviews', 'DELETE /api/v1/movies/{id}/reviews',
      'POST /api/v1/auth/password-reset', 'POST /api/v1/auth/password-reset/confirm', 'POST /api/v1/auth/verify-email',
      'GET /api/v1/openapi.json', 'GET /healthz', 'GET /livez', 'GET /movie/{title}',
      'GET /api/v1/me/recommendations', 'PUT /api/v1/me/dismissed/{movieId}', 'DELETE /api/v1/me/dismissed/{movieId}',
      'GET /api/v1/push/public-key', 'PUT /api/v1/me/push-subscriptions', 'DELETE /api/v1/me/push-subscriptions',
      'POST /api/v1/admin/videos', 'GET /api/v1/admin/videos', 'GET /api/v1/admin/videos/{id}', 'PATCH /api/v1/admin/videos/{id}',
      'DELETE /api/v1/admin/videos/{id}', 'PUT /api/v1/admin/videos/{id}/parts/{n}', 'POST /api/v1/admin/videos/{id}/complete',
      'POST /api/v1/admin/videos/{id}/cancel', 'POST /api/v1/admin/videos/{id}/retry', 'PUT /api/v1/admin/videos/{id}/subtitles/{lang}',
      'POST /api/v1/movies/{id}/playback',
      'PUT /api/v1/me/progress/{movieId}', 'POST /api/v1/me/progress/{movieId}', 'DELETE /api/v1/me/progress/{movieId}', 'GET /api/v1/me/continue-watching', 'POST /api/v1/me/playback-events',
      'GET /api/v1/movies/{id}/providers', 'GET /api/v1/people/{id}',
      'POST /api/v1/me/downloads', 'GET /api/v1/me/downloads', 'DELETE /api/v1/me/downloads', 'DELETE /api/v1/me/downloads/{id}', 'POST /api/v1/me/downloads/{id}/renew',
    ]
    expect(listed.filter((op) => !contract.includes(op))).toEqual([])
    expect(contract.filter((op) => !listed.includes(op))).toEqual([])
  })
})

describe('when DynamoDB is unreachable', () => {
  it('should answer account routes with 503 upstream_unavailable, not a 500', { timeout: 30_000 }, async () => {
    const down = { ...env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' }
    const ctx = createExecutionContext()
    const res = await createWorker().fetch(
      new Request('https://example.com/api/v1/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'long enough password' }),
      }),
      down as never,
      ctx,
    )
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toBe('5')
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('upstream_unavailable')
    expect(body.error.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|NetworkError/)
  })
})

describe('request bodies', () => {
  it('should refuse a body over 64 KB with 413 in the contract error shape, before reading it all', async () => {
    const res = await SELF.fetch('https://example.com/api/v1/auth/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://elsewhere.example' },
      body: JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(100 * 1024) }),
    })
    expect(res.status).toBe(413)
    // A cross-origin API client can read the refusal (CORS comes before the body limit).
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    const body = (await res.json()) as { error: { code: string; message: string; request_id: string } }
    expect(body.error.code).toBe('malformed_request')
    expect(body.error.message).toContain('64 KB')
    expect(body.error.request_id).toBe(res.headers.get('X-Request-Id'))
  })
})

describe('the URL map (src/app.ts)', () => {
  it('should register every state-changing route after the CSRF check, so none can skip it (but the signed transcoder routes)', async () => {
    const { createApp } = await import('../../src/app')
    const { csrf } = await import('../../src/http/csrf')
    const routes = createApp().routes
    const check = routes.findIndex((route) => route.handler === csrf)
    expect(check).toBeGreaterThan(0)
    // Safe methods change nothing (the media route's CORS preflight is an OPTIONS).
    const earlier = routes.slice(0, check).filter((route) => !['GET', 'HEAD', 'OPTIONS', 'ALL'].includes(route.method))
    // The transcoder's writes carry no cookie: each is signed with MEDIA_WRITE_SECRET (test/app/videos-internal.test.ts).
    expect(earlier.map((route) => `${route.method} ${route.path}`)).toEqual(['PUT /internal/media/:videoId/:ladder{v[1-9][0-9]{0,3}}/*'])
    expect(routes.slice(check).some((route) => route.method === 'POST')).toBe(true)
  })

  it("should answer an error of a route that declared a shared cache policy with the error's own no-store", async () => {
    const cases: [string, number][] = [
      ['/api/v1/movies/999999999', 404],
      ['/api/v1/movies/top_rated?page=abc', 422],
      ['/api/v1/genres/abc/movies', 400],
      [`/movie/${'x'.repeat(201)}`, 422],
      ['/movies/999999999', 404],
      ['/genres/abc', 400],
    ]
    for (const [path, status] of cases) {
      const res = await SELF.fetch(`https://example.com${path}`, { headers: { Accept: path.startsWith('/api') || path.startsWith('/movie/') ? 'application/json' : 'text/html' } })
      expect(res.status, path).toBe(status)
      expect(res.headers.get('Cache-Control'), path).toBe('no-store')
      expect(res.headers.get('Vary') ?? '', path).not.toContain('HX-Request')
    }
  })
})
