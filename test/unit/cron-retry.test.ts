import { describe, expect, it, vi } from 'vitest'
import { startCronScheduler, type CronOutcome } from '../../src/main/node/cron-runner'
import { CRON } from '../../src/platform'

describe('the Node cron scheduler after a failed run', () => {
  it('should run a failed occurrence again on a later tick (1 minute, then 2…), and not once it succeeded', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const runs: number[] = []
    let failures = 2
    const scheduler = startCronScheduler(
      async (cron, occurrence): Promise<CronOutcome> => {
        runs.push(occurrence)
        return failures-- > 0 ? { cron, status: 'failed', error: 'Error' } : { cron, status: 'ran', elapsed_ms: 0 }
      },
      { crons: [CRON.weeklyDigest], tickMs: 3_600_000 },
    )
    const settle = () => new Promise((resolve) => setTimeout(resolve, 10))
    const occurrence = Date.parse('2026-11-23T07:00:00Z')
    expect(scheduler.tick(new Date('2026-11-23T07:00:05Z'))).toEqual([CRON.weeklyDigest])
    await settle()
    expect(scheduler.tick(new Date('2026-11-23T07:00:50Z'))).toEqual([])
    expect(scheduler.tick(new Date('2026-11-23T07:01:05Z'))).toEqual([CRON.weeklyDigest])
    await settle()
    // The second failure waits twice as long.
    expect(scheduler.tick(new Date('2026-11-23T07:02:30Z'))).toEqual([])
    expect(scheduler.tick(new Date('2026-11-23T07:03:05Z'))).toEqual([CRON.weeklyDigest])
    await settle()
    expect(scheduler.tick(new Date('2026-11-23T08:00:00Z'))).toEqual([])
    await scheduler.stop()
    expect(runs).toEqual([occurrence, occurrence, occurrence])
    log.mockRestore()
  })
})
