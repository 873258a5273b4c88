import { createExecutionContext, createScheduledController, SELF, waitOnExecutionContext } from 'cloudflare:test'
import { env as bindings } from 'cloudflare:workers'
import { createWorker, kvCacheStore, workersPlatform } from '../../../src/main/worker'
import type { TestRuntime } from './types'

/**
 * `@test/runtime` in the workerd project: the real Workers runtime (vitest-pool-workers runs the tests inside
 * workerd, beside the worker of src/main/worker.ts with the bindings of vitest.config.ts). The Node twin is node.ts.
 */
export const RUNTIME: TestRuntime['RUNTIME'] = 'workerd'
export const env = bindings as unknown as TestRuntime['env']
export { createExecutionContext, createScheduledController, createWorker, SELF, waitOnExecutionContext }
export const platformFor: TestRuntime['platformFor'] = workersPlatform

/** The worker's KV namespace, every key under `prefix`. */
function prefixedKv(kv: KVNamespace, prefix: string): KVNamespace {
  return {
    get: (key: string, type?: unknown) => kv.get(`${prefix}${key}`, type as 'text'),
    put: (key: string, value: string, options?: KVNamespacePutOptions) => kv.put(`${prefix}${key}`, value, options),
    delete: (key: string) => kv.delete(`${prefix}${key}`),
  } as unknown as KVNamespace
}

export const tmdbCacheFor: TestRuntime['tmdbCacheFor'] = (prefix) => kvCacheStore(prefixedKv(env.TMDB_CACHE, prefix))
