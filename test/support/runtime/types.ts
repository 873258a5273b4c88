import type { AppOptions } from '../../../src/app'
import type { Env } from '../../../src/config'
import type { CacheStore, Platform } from '../../../src/platform'

/**
 * What the app tests ask of the runtime they run in: `@test/runtime` is workerd.ts in the workerd project (the real
 * Workers runtime, through vitest-pool-workers) and node.ts in the app project (the Node runtime's own ports).
 * Both export exactly these names, so a test file runs unchanged in either project.
 */

/** The app as a runtime entry exposes it: HTTP, and cron triggers through the job table. */
export interface TestWorker {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response>
  scheduled(controller: Pick<ScheduledController, 'cron'>, env: Env, ctx: ExecutionContext): Promise<void>
}

export interface TestRuntime {
  /** Which runtime this is (for the few assertions that differ, e.g. what a request's client address is). */
  readonly RUNTIME: 'workerd' | 'node'
  /** The bindings the app runs with: TEST_BINDINGS plus the local servers' endpoints. */
  readonly env: Env & Record<string, string>
  /** The app as deployed, with those bindings: one request, its deferred work left running. */
  readonly SELF: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> }
  /** The runtime entry built around the app (with the test's own services, if given). */
  createWorker(options?: AppOptions): TestWorker
  /** The platform ports this runtime gives the app, for tests that build the services themselves. */
  platformFor(env: Env, ctx?: Pick<ExecutionContext, 'waitUntil'>): Platform
  /** A TMDB cache of its own (its keys under `prefix`), in the store this runtime keeps TMDB answers in. */
  tmdbCacheFor(prefix: string): CacheStore
  createExecutionContext(): ExecutionContext
  /** Resolves once everything handed to the context's waitUntil (also while waiting) has settled. */
  waitOnExecutionContext(ctx: ExecutionContext): Promise<void>
  createScheduledController(options: { cron: string; scheduledTime?: Date | number }): ScheduledController
}
