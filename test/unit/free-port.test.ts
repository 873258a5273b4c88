import { describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/lib/processes'

describe('freePort', () => {
  it("never hands out one port twice in a process, and stays in its half's range (stacks start side by side)", async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()))
    expect(new Set(ports).size).toBe(ports.length)
    // `npm test` runs this project in its server half: the lower part of 20,000–32,767.
    const half = process.env.TEST_HALF
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(half === 'browser' ? 26_384 : 20_000)
      expect(port).toBeLessThanOrEqual(half === 'server' ? 26_383 : 32_767)
    }
  })
})
