import { Agent, request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCron, startCronScheduler } from '../../src/main/node/cron-runner'
import { startNodeServer, type NodeServer } from '../../src/main/node/server'
import { CRON } from '../../src/platform'
import type { Services } from '../../src/services'

/** A production configuration whose data store is a closed port: nothing here may need it. */
const PRODUCTION = {
  ENVIRONMENT: 'production',
  JWT_SECRET: 'node-server-test-secret-of-at-least-32-bytes',
  PASSWORD_PEPPER: 'node-server-test-pepper-of-at-least-32-bytes',
  SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:t',
  SQS_QUEUE_URL: 'http://127.0.0.1:9/q',
  PUBLIC_URL: 'https://flixpeek.example',
  TMDB_API_KEY: 'k',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret-example-secret-example',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  CRON_SCHEDULER: 'off',
}

/** PUBLIC_URL's host: what a TLS-terminating proxy in front passes on as Host. */
const PUBLIC_HOST = 'flixpeek.example'

/**
 * A request over plain http to the server, as the proxy in front sends it: fetch cannot set Host, node:http can.
 * The body is read whole (small answers only); `reused` says whether it went on a connection `agent` kept alive.
 */
function send(base: string, path: string, options: { method?: string; host?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {}) {
  const { hostname, port } = new URL(base)
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string; reused: boolean }>((resolve, reject) => {
    const target = { hostname, port, path, method: options.method ?? 'GET', setHost: false, headers: { Host: options.host ?? PUBLIC_HOST, ...options.headers }, ...(options.agent ? { agent: options.agent } : {}) }
    const req = httpRequest(target, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, reused: req.reusedSocket }))
    })
    req.on('error', reject).end(options.body)
  })
}

describe('the Node server in production', () => {
  let server: NodeServer
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  beforeAll(async () => {
    server = await startNodeServer({ vars: PRODUCTION, port: 0, host: '127.0.0.1' })
  }, 60_000)
  afterAll(async () => {
    await server?.shutdown()
    warn.mockRestore()
  })

  it('should not offer /__scheduled outside development', async () => {
    expect((await send(server.url, '/__scheduled?cron=*/5+*+*+*+*')).status).toBe(404)
  })

  it('should answer a static file revalidation with 304 and its headers', async () => {
    const first = await send(server.url, '/favicon.svg')
    const etag = first.headers.etag as string
    const again = await send(server.url, '/favicon.svg', { headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(again.headers['x-content-type-options']).toBe('nosniff')
    expect((await send(server.url, '/_headers')).status).toBe(404)
  })

  it('should take a form posted through a TLS proxy (Origin https://, plain http to Node) as same-origin, and still refuse a foreign one (audit 3, M6)', async () => {
    const form = (origin: string) =>
      send(server.url, '/language', {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'language=fr&next=%2F',
      })
    const same = await form(`https://${PUBLIC_HOST}`)
    expect(same.body).not.toMatch(/csrf_rejected/)
    expect(same.status).toBe(303)
    expect(same.headers['set-cookie']).toEqual([expect.stringMatching(/^lang=fr;/)])
    for (const origin of ['https://evil.example', `http://${PUBLIC_HOST}`]) {
      const foreign = await form(origin)
      expect(foreign.status, origin).toBe(403)
    }
  })

  it('should answer 421 for any host but PUBLIC_URL\'s, except to the probes, which come with a pod\'s address (audit 3, I1)', async () => {
    for (const host of ['evil.example', '127.0.0.1', `${PUBLIC_HOST}.evil.example`]) {
      const page = await send(server.url, '/', { host })
      expect(page.status, host).toBe(421)
      expect(JSON.parse(page.body)).toMatchObject({ error: { code: 'malformed_request', request_id: page.headers['x-request-id'] } })
    }
    // An absolute-form target names its own host: judged by it, not by Host.
    expect((await send(server.url, 'http://evil.example/', { host: PUBLIC_HOST })).status).toBe(421)
    expect((await send(server.url, '/livez', { host: '10.42.0.7:8787' })).status).toBe(200)
    expect((await send(server.url, '/healthz', { host: '10.42.0.7:8787' })).status).not.toBe(421)
  })

  it('should answer the next request on a kept-alive connection after a 413 sent before the body was read (issue #41)', async () => {
    // 1 MB: past the 64 KB limit and past what the socket buffers, so the unread rest has to be drained.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const body = JSON.stringify({ email: 'big@flixpeek.example', password: 'x'.repeat(1_000_000) })
      const tooLarge = await send(server.url, '/api/v1/auth/login', { method: 'POST', agent, headers: { 'Content-Type': 'application/json' }, body })
      expect(tooLarge.status).toBe(413)
      expect(tooLarge.headers.connection).toBe('keep-alive')
      const next = await send(server.url, '/livez', { agent })
      expect(next.status).toBe(200)
      expect(next.reused).toBe(true)
    } finally {
      agent.destroy()
    }
  })

  it('should warn once that the first request came from a private address without TRUSTED_CLIENT_IP_HEADER (audit 3, M7)', async () => {
    // This server's peers are all loopback, a private address; the earlier tests' requests came from it too.
    expect((await send(server.url, '/nowhere')).status).toBe(404)
    const said = warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('TRUSTED_CLIENT_IP_HEADER'))
    expect(said).toHaveLength(1)
    expect(said[0]).not.toContain('127.0.0.1')
  })

  it('should wait for deferred work before its shutdown completes', async () => {
    let finished = false
    server.runtime.platform.defer(new Promise((resolve) => setTimeout(resolve, 200)).then(() => (finished = true)))
    await server.shutdown()
    expect(finished).toBe(true)
    await expect(fetch(`${server.url}/livez`)).rejects.toThrow()
  })
})

describe('cron on Node', () => {
  const noServices = () => ({}) as Services

  it('should skip a job whose lease another replica holds, and not know an expression outside the table', async () => {
    const held = { acquire: async () => null }
    expect(await runCron(CRON.weeklyDigest, { lease: held, services: noServices, occurrence: 0 })).toEqual({ cron: CRON.weeklyDigest, status: 'skipped', reason: 'occurrence already run' })
    expect((await runCron('1 2 3 4 5', { lease: held, services: noServices })).status).toBe('unknown')
  })

  it('should start each due cron once per minute with that minute as its occurrence', async () => {
    const runs: [string, number][] = []
    const scheduler = startCronScheduler(async (cron, occurrence) => {
      runs.push([cron, occurrence])
      return { cron, status: 'ran', elapsed_ms: 0 }
    }, { tickMs: 3_600_000 })
    const monday0700 = new Date('2026-11-23T07:00:10Z')
    expect(scheduler.tick(monday0700).sort()).toEqual([CRON.drainEvents, CRON.weeklyDigest].sort())
    expect(scheduler.tick(new Date('2026-11-23T07:00:40Z'))).toEqual([])
    await scheduler.stop()
    expect(runs).toContainEqual([CRON.weeklyDigest, Date.parse('2026-11-23T07:00:00Z')])
  })
})
