import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startDevStack } from '../../scripts/dev'
import { freePort } from '../../scripts/lib/processes'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the app under test runs (`npm start` style: wrangler dev + DynamoDB Local + fauxqs). */
    baseUrl: string
  }
}

/**
 * Starts the whole app the way `npm start` does, on a free port with a throwaway DATA_DIR and
 * .dev.vars, with no shell overrides (so no TMDB credential: the bundled catalog).
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'netflix-e2e-'))
  const stack = await startDevStack({
    port: await freePort(),
    host: '127.0.0.1',
    dataDir: join(dir, 'data'),
    devVarsPath: join(dir, '.dev.vars'),
    env: {},
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw error
  })
  project.provide('baseUrl', stack.url)
  return async () => {
    await stack.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
