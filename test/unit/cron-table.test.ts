import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CRON_JOBS } from '../../src/jobs'
import { CRON } from '../../src/platform'

/** One table (src/platform.ts's CRON) read by wrangler.toml and by the job map: both sides must agree with it. */
describe('the cron table', () => {
  it('should be what wrangler.toml declares', () => {
    const line = /^crons\s*=\s*\[(.*)\]\s*$/m.exec(readFileSync('wrangler.toml', 'utf8'))
    const crons = [...(line?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1])
    expect(crons.sort()).toEqual(Object.values(CRON).sort())
  })

  it('should give every cron of src/platform.ts a job, and no job to anything else', () => {
    expect(Object.keys(CRON_JOBS).sort()).toEqual(Object.values(CRON).sort())
    for (const job of Object.values(CRON_JOBS)) expect(job).toEqual(expect.any(Function))
  })
})
