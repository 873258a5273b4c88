import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { createApp } from '../../../src/app'
import { configFor, parseConfig, type Env } from '../../../src/config'
import { CRON_JOBS } from '../../../src/jobs'
import { clientAddressFrom } from '../../../src/main/node/client-address'
import { nodeRuntime, varsFromEnv, type NodeRuntime } from '../../../src/main/node/platform'
import type { Platform } from '../../../src/platform'
import { createServices } from '../../../src/services'
import { shellKnobs, TEST_BINDINGS } from '../bindings'
import type { TestRuntime, TestWorker } from './types'

/**
 * `@test/runtime` in the app project: the app on Node with the Node runtime's own ports (src/main/node/platform.ts:
 * the TMDB cache in DynamoDB behind an in-process LRU, public/ from memory, the Argon2 .wasm compiled by Node),
 * against the same local servers as the workerd project. What only Workers has (KV, the Cache API, waitUntil's
 * lifetime, scheduled events, the precompiled .wasm) is tested in test/workerd (docs/testing.md).
 */
export const RUNTIME: TestRuntime['RUNTIME'] = 'node'

export const env = { ...TEST_BINDINGS, ...inject('workerBindings'), ...shellKnobs() } as unknown as TestRuntime['env']

/**
 * Cloudflare sets CF-Connecting-IP in front of a Worker; a Node server behind a proxy reads the header the operator
 * names (TRUSTED_CLIENT_IP_HEADER). The tests send CF-Connecting-IP for their per-client limits, so it is the trusted
 * header here; a request without it counts as coming from the loopback peer.
 */
const TRUSTED_HEADER = 'CF-Connecting-IP'
const PEER = '127.0.0.1'

/**
 * The Node runtime's media store is its directory adapter (no MEDIA_S3_BUCKET here): one throwaway folder per test
 * process, shared by every runtime of the process as one server's disk would be, removed when the process ends.
 * The S3 adapter has its own contract run against fauxqs (test/app/media-store-s3.test.ts).
 */
let mediaDir: string | undefined
function testMediaDir(): string {
  if (!mediaDir) {
    // Inside the run's scratch folder, which the global setup removes: a worker killed at the end never sees 'exit'.
    const dir = (mediaDir = mkdtempSync(join(inject('testScratch') ?? tmpdir(), 'app-media-')))
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  }
  return mediaDir
}

/** One Node runtime per set of bindings (as one server process has one): its caches live as long as the bindings. */
const runtimes = new WeakMap<object, NodeRuntime>()
function runtimeFor(vars: Env): NodeRuntime {
  let runtime = runtimes.get(vars)
  if (!runtime) {
    const strings = { MEDIA_DIR: testMediaDir(), ...varsFromEnv(vars as unknown as NodeJS.ProcessEnv) }
    runtime = nodeRuntime(strings, parseConfig(strings))
    runtimes.set(vars, runtime)
  }
  return runtime
}

export const platformFor: TestRuntime['platformFor'] = (vars, ctx) => {
  const { platform } = runtimeFor(vars)
  return {
    ...platform,
    // A request's deferred work goes to its context (so a test can wait for it); cron runs and scripts have none.
    defer: ctx ? (work) => ctx.waitUntil(work) : platform.defer,
    clientAddress: (request) => clientAddressFrom(request, PEER, TRUSTED_HEADER),
  } satisfies Platform
}

/** The same entry as src/main/worker.ts's createWorker, on the Node platform: public/ first, as the Node server serves it. */
export function createWorker(options: Parameters<typeof createApp>[0] = {}): TestWorker {
  const app = createApp(options)
  const makeServices = options.services ?? createServices
  return {
    async fetch(request, vars, ctx) {
      const asset = runtimeFor(vars).assets.match(request)
      if (asset) return asset
      return app.fetch(request, { platform: platformFor(vars, ctx) }, ctx)
    },
    async scheduled(controller, vars, ctx) {
      // As the Worker's scheduled handler: the job of this cron, its deferred work on the context. (The Node server's
      // own runner adds a lease per occurrence on top: test/ops/node-server.test.ts.)
      const job = CRON_JOBS[controller.cron]
      if (!job) {
        console.warn(`no job for cron "${controller.cron}"`)
        return
      }
      await job(makeServices({ config: configFor(vars), platform: platformFor(vars, ctx) }))
    },
  }
}

/** The Node runtime's TMDB cache (DynamoDB items behind the in-process LRU) for the suite's bindings, keys under `prefix`. */
export const tmdbCacheFor: TestRuntime['tmdbCacheFor'] = (prefix) => {
  const shared = runtimeFor(env).platform.cache
  return {
    get: (key) => shared.get(`${prefix}${key}`),
    put: (key, value, options) => shared.put(`${prefix}${key}`, value, options),
  }
}

export function createExecutionContext(): ExecutionContext {
  const pending: Promise<unknown>[] = []
  const ctx = {
    waitUntil: (work: Promise<unknown>) => void pending.push(Promise.resolve(work)),
    passThroughOnException: () => {},
    props: {},
  }
  contexts.set(ctx, pending)
  return ctx as unknown as ExecutionContext
}
const contexts = new WeakMap<object, Promise<unknown>[]>()

export async function waitOnExecutionContext(ctx: ExecutionContext): Promise<void> {
  const pending = contexts.get(ctx)
  if (!pending) throw new Error('waitOnExecutionContext: not a context from createExecutionContext()')
  // Work deferred by deferred work is waited for too.
  for (let seen = 0; seen < pending.length; ) {
    const batch = pending.slice(seen)
    seen = pending.length
    await Promise.allSettled(batch)
  }
}

export function createScheduledController(options: { cron: string; scheduledTime?: Date | number }): ScheduledController {
  const time = options.scheduledTime ?? Date.now()
  return { cron: options.cron, scheduledTime: typeof time === 'number' ? time : time.getTime(), noRetry: () => {} } as ScheduledController
}

/** The app as deployed, with the suite's bindings. Its deferred work runs on after the response, as on Workers. */
const self = createWorker()
export const SELF: TestRuntime['SELF'] = {
  fetch: (input, init) => self.fetch(new Request(input, init), env, createExecutionContext()),
}
