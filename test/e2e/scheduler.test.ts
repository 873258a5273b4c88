import { afterAll, describe, expect, inject, it } from 'vitest'
import { startScheduler, type Scheduler } from '../../scripts/lib/scheduler'
import { CRON } from '../../src/platform'

const baseUrl = inject('baseUrl')
let scheduler: Scheduler | undefined

afterAll(async () => {
  await scheduler?.stop()
})

describe('the local scheduler against wrangler dev', () => {
  it('should deliver a welcome notification by itself, through /__scheduled, with nobody calling it', { timeout: 90_000 }, async () => {
    // The same scheduler npm start runs, draining faster so the test stays short.
    scheduler = startScheduler({ url: baseUrl, crons: Object.values(CRON), drainCron: CRON.drainEvents, drainEveryMs: 500, log: () => {} })
    const signup = await fetch(`${baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: `scheduled-${crypto.randomUUID().slice(0, 12)}@example.com`, password: 'correct horse battery' }),
    })
    expect(signup.status).toBe(201)
    const { token } = (await signup.json()) as { token: string }
    let types: string[] = []
    for (let i = 0; i < 120 && !types.includes('welcome'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const res = await fetch(`${baseUrl}/api/v1/me/notifications`, { headers: { Authorization: `Bearer ${token}` } })
      types = ((await res.json()) as { results: { type: string }[] }).results.map((n) => n.type)
    }
    expect(types).toContain('welcome')
  })
})
