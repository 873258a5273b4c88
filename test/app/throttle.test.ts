import { describe, expect, it } from 'vitest'
import { LIMITS, Throttle } from '../../src/accounts/throttle'
import { RateLimited as RateLimitedError } from '../../src/shared/errors'
import { testAws, uniqueId } from '../support/harness/aws'

const { db, table } = testAws()

describe('DynamoDB rate-limit counters', () => {
  it('should use the contract numbers', () => {
    expect(LIMITS.loginPerAccount).toMatchObject({ limit: 10, windowSeconds: 900 })
    expect(LIMITS.loginPerClient).toMatchObject({ limit: 50, windowSeconds: 900 })
    expect(LIMITS.signupPerClient).toMatchObject({ limit: 300, windowSeconds: 3600 })
  })

  it('should grant exactly `limit` slots to concurrent callers across instances', async () => {
    const limit = { name: uniqueId('burst'), limit: 5, windowSeconds: 3600 }
    const instances = Array.from({ length: 4 }, () => new Throttle(db, table))
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => instances[i % 4]!.reserve(limit, 'client')))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5)
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(rejected).toHaveLength(15)
    for (const r of rejected) expect(r.reason).toBeInstanceOf(RateLimitedError)
  })

  it('should give a slot back on refund, say how long until the window ends, and let the old window fade out', async () => {
    let now = Date.UTC(2026, 0, 1, 10, 0, 0)
    const throttle = new Throttle(db, table, () => now)
    const limit = { name: uniqueId('window'), limit: 2, windowSeconds: 900 }
    await throttle.reserve(limit, 'x')
    const second = await throttle.reserve(limit, 'x')
    now += 60_000
    const full = await throttle.reserve(limit, 'x').catch((e: unknown) => e)
    expect(full).toBeInstanceOf(RateLimitedError)
    expect((full as RateLimitedError).retryAfter).toBe(840)
    await second.refund()
    await throttle.reserve(limit, 'x')
    // 10:15: the two slots taken at 10:00 and 10:01 are still within 15 minutes: still full.
    now += 840_000
    const carried = await throttle.reserve(limit, 'x').catch((e: unknown) => e)
    expect(carried).toBeInstanceOf(RateLimitedError)
    // Half of the old window has slid out by 10:22:30: one slot back (the answer said when).
    expect((carried as RateLimitedError).retryAfter).toBe(450)
    now += 450_000
    await throttle.reserve(limit, 'x')
    await expect(throttle.reserve(limit, 'x')).rejects.toBeInstanceOf(RateLimitedError)
    // Two windows on, nothing of 10:00 weighs any more.
    now += 1_800_000
    await throttle.reserve(limit, 'x')
    await throttle.reserve(limit, 'x')
  })

  it('should hold the limit across a window boundary: 10 at 10:14:59 leave no room at 10:15:00', async () => {
    let now = Date.UTC(2026, 0, 1, 10, 14, 59)
    const throttle = new Throttle(db, table, () => now)
    const limit = { ...LIMITS.loginPerAccount, name: uniqueId('boundary') }
    for (let i = 0; i < 10; i++) await throttle.reserve(limit, 'account')
    now += 1_000
    const limited = await throttle.reserve(limit, 'account').catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(RateLimitedError)
    expect((limited as RateLimitedError).retryAfter).toBeGreaterThan(0)
  })

  it('should take slots on all limits or none', async () => {
    const throttle = new Throttle(db, table)
    const roomy = { name: uniqueId('roomy'), limit: 5, windowSeconds: 3600 }
    const tight = { name: uniqueId('tight'), limit: 1, windowSeconds: 3600 }
    await throttle.reserve(tight, 'c')
    await expect(throttle.reserveAll([[roomy, 'a'], [tight, 'c']])).rejects.toBeInstanceOf(RateLimitedError)
    for (let i = 0; i < 5; i++) await throttle.reserve(roomy, 'a')
    await expect(throttle.reserve(roomy, 'a')).rejects.toBeInstanceOf(RateLimitedError)
  })

  it('should store no email or address in the counter keys, and let the table expire them', async () => {
    const limit = { name: uniqueId('private'), limit: 3, windowSeconds: 900 }
    await new Throttle(db, table).reserve(limit, 'someone@example.com')
    const page = await db.call<{ Items: Record<string, { S?: string; N?: string }>[] }>('Scan', {
      TableName: table,
      FilterExpression: 'begins_with(pk, :rate)',
      ExpressionAttributeValues: { ':rate': { S: 'RATE#' } },
    })
    expect(JSON.stringify(page.Items)).not.toContain('someone@example.com')
    expect(page.Items.length).toBeGreaterThan(0)
    expect(page.Items.every((item) => Number.isInteger(Number(item.expires_at?.N)))).toBe(true)
    expect(page.Items.some((item) => Number(item.expires_at?.N) > Date.now() / 1000)).toBe(true)
  })
})
