import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

describe('the Node server in production', () => {
  let server: NodeServer
  beforeAll(async () => {
    server = await startNodeServer({ vars: PRODUCTION, port: 0, host: '127.0.0.1' })
  }, 60_000)
  afterAll(async () => {
    await server?.shutdown()
  })

  it('should not offer /__scheduled outside development', async () => {
    const res = await fetch(`${server.url}/__scheduled?cron=*/5+*+*+*+*`)
    expect(res.status).toBe(404)
    await res.arrayBuffer()
  })

  it('should answer a static file revalidation with 304 and its headers', async () => {
    const first = await fetch(`${server.url}/favicon.svg`)
    const etag = first.headers.get('ETag')!
    await first.arrayBuffer()
    const again = await fetch(`${server.url}/favicon.svg`, { headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(again.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect((await fetch(`${server.url}/_headers`)).status).toBe(404)
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
