import { describe, expect, it } from 'vitest'
import { CRON_JOBS } from '../../src/jobs'
import { CRON } from '../../src/platform'

describe('the cron table', () => {
  it('should give every cron of src/platform.ts a job, and no job to anything else (wrangler.toml: test/node/cron-table.test.ts)', () => {
    expect(Object.keys(CRON_JOBS).sort()).toEqual(Object.values(CRON).sort())
    for (const job of Object.values(CRON_JOBS)) expect(job).toEqual(expect.any(Function))
  })
})
