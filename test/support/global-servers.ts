import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startFakeTmdb } from './fake-tmdb'
import { startLocalAws } from '../../scripts/local-aws'
import { startFakePush } from './fake-push'
import { vapidKeys } from '../../scripts/lib/dev-vars'
import './bindings'

/** One local server the app and workerd tests need: the bindings that point at it, and how to stop it. */
export interface StartedServer {
  bindings: Record<string, string>
  stop(): Promise<void>
}

/**
 * DynamoDB Local + fauxqs, in memory, on free ports, with the table, topic, queue and DLQ created. (The fault suites
 * start fault proxies of their own in front of them: test/app/faults-support.ts.)
 */
async function localAws(): Promise<StartedServer> {
  const aws = await startLocalAws({ dataDir: null })
  return {
    // SES_INBOX_URL: the local SES server's own API (GET /store), whatever SES_ENDPOINT the worker uses; a shell-set SES_ENDPOINT wins.
    bindings: { ...aws.vars, SES_INBOX_URL: aws.endpoints.ses, ...(process.env.SES_ENDPOINT ? { SES_ENDPOINT: process.env.SES_ENDPOINT } : {}), FAULT_RUNS: process.env.FAULT_RUNS ?? '1' },
    stop: () => aws.stop(),
  }
}

/** The fake TMDB server (test/support/fake-tmdb.ts); tests point TMDB_BASE_URL at TMDB_FAKE_URL themselves. */
async function fakeTmdb(): Promise<StartedServer> {
  const tmdb = await startFakeTmdb()
  return { bindings: { TMDB_FAKE_URL: tmdb.url }, stop: () => tmdb.stop() }
}

/**
 * The fake push service (test/support/fake-push.ts) and a VAPID key pair under names of their own:
 * only test/app/push.test.ts turns push on (with these keys), so other suites' events stay as they were.
 */
async function fakePush(): Promise<StartedServer> {
  const push = await startFakePush()
  const keys = vapidKeys()
  return { bindings: { PUSH_FAKE_URL: push.url, PUSH_TEST_VAPID_PUBLIC_KEY: keys.VAPID_PUBLIC_KEY, PUSH_TEST_VAPID_PRIVATE_KEY: keys.VAPID_PRIVATE_KEY }, stop: () => push.stop() }
}

/** Add a server here (e.g. the fake TMDB server) and its bindings reach every app and workerd test. */
const SERVERS: (() => Promise<StartedServer>)[] = [localAws, fakeTmdb, fakePush]

/** The servers of this vitest process: the app and workerd projects each run this setup, and share one set. */
interface Shared {
  bindings: Promise<Record<string, string>>
  users: number
  stop(): Promise<void>
  scratch: string
}
const SHARED = Symbol.for('flixpeek.test.servers')
const registry = globalThis as unknown as { [SHARED]?: Shared }

async function startAll(): Promise<{ bindings: Record<string, string>; stop(): Promise<void> }> {
  const results = await Promise.allSettled(SERVERS.map((start) => start()))
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const stop = async () => {
    await Promise.all(started.map((server) => server.stop()))
  }
  const failure = results.find((result) => result.status === 'rejected')
  if (failure) {
    await stop()
    throw failure.reason
  }
  return { bindings: Object.assign({}, ...started.map((server) => server.bindings)), stop }
}

/**
 * Starts the local servers the app tests talk to (once per run, whichever project asks first) and hands their
 * endpoints to the project as bindings. Vitest loads each project's global setup in that project's own module graph,
 * so a second project's setup finds the first one's servers on globalThis; the last teardown stops them.
 */
export default async function setup(project: TestProject) {
  let shared = registry[SHARED]
  if (!shared) {
    const starting = startAll()
    // Throwaway files of the run (the Node runtime's media folders): a worker process killed at the end of the run
    // never sees its own 'exit', so they are removed here, once, with the servers.
    const scratch = mkdtempSync(join(tmpdir(), 'flixpeek-test-scratch-'))
    // Others may pass through to a folder a test hands them (the transcoder's tools run as nobody under root), not list it.
    chmodSync(scratch, 0o711)
    shared = registry[SHARED] = {
      bindings: starting.then((servers) => servers.bindings),
      scratch,
      users: 0,
      stop: async () => {
        rmSync(scratch, { recursive: true, force: true })
        await (await starting).stop()
      },
    }
    starting.catch(() => delete registry[SHARED])
  }
  shared.users++
  project.provide('workerBindings', await shared.bindings)
  project.provide('testScratch', shared.scratch)
  return async () => {
    if (--shared.users > 0) return
    delete registry[SHARED]
    await shared.stop()
  }
}
