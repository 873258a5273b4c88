/**
 * Setup file of the worker project (vitest.config.ts). The worker files share one workerd runtime
 * (`isolate: false`: starting a runtime and importing the app cost 5–7 s per file), so nothing a
 * file started in the background may outlive it:
 * - the pool keeps every `ctx.waitUntil` promise (the app's deferred outbox flushes, page-cache
 *   refreshes...) in one list it never empties; a runtime per file threw that list away, a shared
 *   runtime would hold every promise, and what it references, for the whole run;
 * - a file's deferred work must not run into the next file's tests.
 * So after each file: wait for what it left in the background, then drop it. Their outcome is
 * ignored, as it was when the runtime was thrown away (tests that care await their own context).
 */
import { afterAll } from 'vitest'
// The pool's own module (externalised to workerd, so this is the instance the pool registers in).
// @ts-expect-error -- no type declarations for the pool's internal module
import { waitForGlobalWaitUntil } from 'cloudflare:test-internal'

afterAll(async () => {
  await (waitForGlobalWaitUntil as () => Promise<void>)().catch(() => undefined)
})
