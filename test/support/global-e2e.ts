import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startDevStack } from '../../scripts/dev'
import { freePort } from '../../scripts/lib/processes'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the app under test runs (`npm start` style: wrangler dev + DynamoDB Local + fauxqs). */
    baseUrl: string
    /** Its local SES server (GET /store lists the emails it sent): how a test confirms an operator's address. */
    mailUrl: string
  }
}

/**
 * The operator test/e2e/admin-videos.test.ts signs up (ADMIN_EMAILS), parts small enough that a 30 s clip takes two,
 * and media tokens that expire while test/e2e/watching.test.ts plays (the player must renew them unseen).
 */
export const E2E_DEV_VARS = `ADMIN_EMAILS=operator@flixpeek.test\nMEDIA_PART_SIZE=${5 * 1024 * 1024}\nPLAYBACK_TOKEN_TTL_SECONDS=20\n`

/**
 * Starts the whole app the way `npm start` does, on a free port with a throwaway DATA_DIR and
 * .dev.vars, with no shell overrides (so no TMDB credential: the bundled catalog), and its transcoder (no samples).
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'netflix-e2e-'))
  // Start-up values the stack keeps (.dev.vars lines): the video library's operator, and 5 MiB upload parts.
  writeFileSync(join(dir, '.dev.vars'), E2E_DEV_VARS, { mode: 0o600 })
  const stack = await startDevStack({
    port: await freePort(),
    host: '127.0.0.1',
    dataDir: join(dir, 'data'),
    devVarsPath: join(dir, '.dev.vars'),
    env: {},
    // As npm start: uploads get transcoded (through the worker's internal media routes to local R2).
    transcoder: true,
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw error
  })
  project.provide('baseUrl', stack.url)
  project.provide('mailUrl', stack.aws.endpoints.ses)
  return async () => {
    await stack.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
