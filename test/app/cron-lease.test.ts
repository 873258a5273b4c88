import { describe, expect, it, vi } from 'vitest'
import { dynamoCronLease } from '../../src/main/node/cron-lease'
import { runCron } from '../../src/main/node/cron-runner'
import { CRON } from '../../src/platform'
import type { Services } from '../../src/services'
import { testAws } from '../support/harness/aws'

const aws = testAws()

describe('cron leases on DynamoDB Local', () => {
  it('should leave a failed occurrence open: the next attempt (a retry, a CronJob pod) runs it and only then is it done', async () => {
    const lease = dynamoCronLease({ db: () => aws.db, table: aws.table })
    const weeklyDigest = vi.fn().mockRejectedValueOnce(new Error('SNS down')).mockResolvedValue({ subscribers: 0, queued: 0, published: 0 })
    const services = () => ({ mail: { weeklyDigest } }) as unknown as Services
    vi.spyOn(console, 'log').mockImplementation(() => {})
    // An occurrence later than any earlier run's (the table outlives a run when the servers are reused).
    const occurrence = Date.now()
    const attempt = () => runCron(CRON.weeklyDigest, { lease, services, occurrence })
    expect(await attempt()).toMatchObject({ status: 'failed' })
    expect(await attempt()).toMatchObject({ status: 'ran' })
    expect(await attempt()).toEqual({ cron: CRON.weeklyDigest, status: 'skipped', reason: 'occurrence already run' })
    expect(weeklyDigest).toHaveBeenCalledTimes(2)
    vi.restoreAllMocks()
  })
})
