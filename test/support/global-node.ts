import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { parseDevVars, WORKER_VARS } from '../../scripts/lib/dev-vars'
import { ROOT } from '../../scripts/lib/dev-stack'
import { freePort, spawnGroup, waitUntil, type Child } from '../../scripts/lib/processes'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where `npm run start:node` serves the app (Node server + DynamoDB Local + fauxqs + local SES); see waitForNodeStack(). */
    nodeBaseUrl: string
    /** Its throwaway folder: data/dev-state.json says it is ready, .dev.vars holds the values its server runs with. */
    nodeStackDir: string
  }
}

let command: Child | undefined

/**
 * Starts the real `npm run start:node` (scripts/dev.ts --node) once for the e2e project, on a free port
 * with a throwaway DATA_DIR and .dev.vars and no configuration from the shell (the bundled catalog).
 * It does not wait: the stack boots while the first e2e files run, and the suites that use it wait for it
 * with waitForNodeStack(). It runs after the workerd stack's setup, so the ports that stack picked are
 * already bound and cannot be picked again here. Stopped the way Ctrl-C stops it: by
 * signalling the command itself.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'netflix-node-e2e-'))
  // The same operator and upload part size as the workerd stack (test/support/global-e2e.ts E2E_DEV_VARS).
  writeFileSync(join(dir, '.dev.vars'), `ADMIN_EMAILS=operator@flixpeek.test\nMEDIA_PART_SIZE=${5 * 1024 * 1024}\n`, { mode: 0o600 })
  const port = await freePort()
  // The shell's configuration stays out, as in the workerd stack's setup (`env: {}`).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(WORKER_VARS as readonly string[]).includes(name)))
  command = spawnGroup('npm run start:node', process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/dev.ts'), '--node'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), DEV_VARS_PATH: join(dir, '.dev.vars'), LOCAL_SCHEDULER: 'off', SAMPLE_VIDEOS: 'off' },
  })
  project.provide('nodeBaseUrl', `http://127.0.0.1:${port}`)
  project.provide('nodeStackDir', dir)
  return async () => {
    await command?.stop(15_000)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Waits until the stack is ready (dev-state.json is written once /healthz answered 200); returns its server's values. */
export async function waitForNodeStack(dir: string): Promise<Record<string, string>> {
  const state = join(dir, 'data', 'dev-state.json')
  await waitUntil('npm run start:node', async () => existsSync(state), { timeoutMs: 180_000, intervalMs: 200 })
  return parseDevVars(readFileSync(join(dir, '.dev.vars'), 'utf8'))
}
