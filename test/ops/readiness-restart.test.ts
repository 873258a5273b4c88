import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startDevStack } from '../../scripts/lib/dev-stack'
import { freePort } from '../../scripts/lib/processes'

/** How many fresh starts (a fresh DATA_DIR each: the table is created every time). RESTARTS=20 for a longer run. */
const RESTARTS = Number(process.env.READINESS_RESTARTS ?? 5)

/** Polls /healthz as an orchestrator would, and signs up the moment it first answers 200. */
async function signUpAtFirstReady(url: string, stop: { stopped: boolean }): Promise<{ status: number; body: string }> {
  for (;;) {
    if (stop.stopped) throw new Error('the stack failed before /healthz answered 200')
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined)
    await health?.body?.cancel()
    if (health?.status === 200) {
      const res = await fetch(`${url}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: `ready-${crypto.randomUUID()}@example.com`, password: 'a long enough password' }),
      })
      return { status: res.status, body: await res.text() }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('readiness across restarts (npm start\'s stack)', () => {
  it(`should accept a sign-up sent the moment /healthz first answers 200, on ${RESTARTS} fresh starts`, { timeout: RESTARTS * 120_000 }, async () => {
    for (let run = 1; run <= RESTARTS; run++) {
      const dir = mkdtempSync(join(tmpdir(), 'netflix-readiness-'))
      const port = await freePort()
      const state = { stopped: false }
      const starting = startDevStack({ port, dataDir: join(dir, 'data'), devVarsPath: join(dir, '.dev.vars'), env: {} })
      starting.catch(() => (state.stopped = true))
      try {
        const first = await signUpAtFirstReady(`http://127.0.0.1:${port}`, state)
        expect(first, `start ${run}`).toMatchObject({ status: 201 })
      } finally {
        await (await starting).stop()
        rmSync(dir, { recursive: true, force: true })
      }
    }
  })
})
