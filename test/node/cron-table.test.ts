import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CRON } from '../../src/platform'

describe('the cron table', () => {
  it("should be what wrangler.toml declares (the job map's side: test/worker/cron-table.test.ts)", () => {
    const line = /^crons\s*=\s*\[(.*)\]\s*$/m.exec(readFileSync('wrangler.toml', 'utf8'))
    const crons = [...(line?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1])
    expect(crons.sort()).toEqual(Object.values(CRON).sort())
  })
})
