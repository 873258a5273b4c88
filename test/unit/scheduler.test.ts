import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { cronMatches, scheduledUrl, startScheduler, type Scheduler } from '../../scripts/lib/scheduler'
import { CRON } from '../../src/platform'

let server: Server | undefined
let scheduler: Scheduler | undefined

afterEach(async () => {
  await scheduler?.stop()
  await new Promise((done) => (server ? server.close(done) : done(undefined)))
  server = scheduler = undefined
})

/** A stand-in for wrangler dev's /__scheduled route: records the crons it is asked to run. */
async function scheduledRoute(): Promise<{ url: string; crons: string[] }> {
  const crons: string[] = []
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/__scheduled') crons.push(url.searchParams.get('cron') ?? '')
    res.end('Ran scheduled event')
  })
  await new Promise<void>((ready) => server!.listen(0, '127.0.0.1', ready))
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, crons }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25))
}

describe('the local scheduler (npm start)', () => {
  it('should read the cron table the way Cloudflare does (UTC, five fields)', () => {
    expect(cronMatches(CRON.drainEvents, new Date('2026-11-25T10:05:00Z'))).toBe(true)
    expect(cronMatches(CRON.drainEvents, new Date('2026-11-25T10:07:00Z'))).toBe(false)
    expect(cronMatches(CRON.releaseAlerts, new Date('2026-11-25T06:00:30Z'))).toBe(true)
    expect(cronMatches(CRON.releaseAlerts, new Date('2026-11-25T07:00:00Z'))).toBe(false)
    expect(cronMatches('0 6 * * 1-5', new Date('2026-11-29T06:00:00Z'))).toBe(false) // a Sunday
    expect(cronMatches('0 6 * * 0,7', new Date('2026-11-29T06:00:00Z'))).toBe(true)
  })

  it('should call /__scheduled with the cron as wrangler expects it', () => {
    expect(scheduledUrl('http://127.0.0.1:8787', '*/5 * * * *')).toBe('http://127.0.0.1:8787/__scheduled?cron=*%2F5+*+*+*+*')
    expect(new URL(scheduledUrl('http://x', '*/5 * * * *')).searchParams.get('cron')).toBe('*/5 * * * *')
  })

  it('should fire each due cron once per minute through /__scheduled', async () => {
    const route = await scheduledRoute()
    scheduler = startScheduler({ url: route.url, crons: Object.values(CRON), drainCron: CRON.drainEvents, tickMs: 3_600_000, drainEveryMs: 3_600_000 })
    expect(scheduler.tick(new Date('2026-11-25T06:00:01Z')).sort()).toEqual([CRON.releaseAlerts, CRON.drainEvents].sort())
    expect(scheduler.tick(new Date('2026-11-25T06:00:40Z'))).toEqual([])
    await until(() => route.crons.length === 2)
    // Both runs answered: the next due minute fires again (a cron still running would be skipped).
    await scheduler.settled()
    expect(scheduler.tick(new Date('2026-11-25T06:01:00Z'))).toEqual([])
    expect(scheduler.tick(new Date('2026-11-25T06:05:00Z'))).toEqual([CRON.drainEvents])
    await until(() => route.crons.length === 3)
    expect(route.crons.sort()).toEqual([CRON.drainEvents, CRON.drainEvents, CRON.releaseAlerts].sort())
  })

  it('should drain the queue on its own, again and again, without anyone calling /__scheduled', async () => {
    const route = await scheduledRoute()
    scheduler = startScheduler({ url: route.url, crons: [], drainCron: CRON.drainEvents, drainEveryMs: 20 })
    await until(() => route.crons.length >= 3)
    expect(route.crons.slice(0, 3)).toEqual([CRON.drainEvents, CRON.drainEvents, CRON.drainEvents])
  })
})
