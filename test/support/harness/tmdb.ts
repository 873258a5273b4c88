import { createExecutionContext, createWorker, env, tmdbCacheFor, waitOnExecutionContext } from '@test/runtime'
import { createCatalog } from '../../../src/catalog'
import { parseConfig, type Env } from '../../../src/config'
import { createServices, type Services } from '../../../src/services'
import { catalogMissGuard } from '../../../src/catalog/miss-limit'
import { testAws } from './aws'
import { createWatchProviders } from '../../../src/where-to-watch/providers'

/**
 * Drives the real app against the fake TMDB server (test/support/fake-tmdb.ts) with a TMDB credential.
 * Each harness gets its own key prefix in the runtime's TMDB cache (KV in workerd, the Node runtime's shared cache
 * on Node), so tests never see each other's cache.
 */

const workerEnv = env as Env & { TMDB_FAKE_URL: string }
/** This test file's own tenant of the fake server: its failure mode and counters are nobody else's. */
const TENANT = `run-${crypto.randomUUID()}`
const CONTROL_URL = `${workerEnv.TMDB_FAKE_URL.replace(/\/3$/, '')}/${TENANT}`
export const TMDB_URL = `${CONTROL_URL}/3`

export type FakeMode = 'ok' | 'down' | 'slow' | '500' | '429'

export const fakeTmdb = {
  async control(mode: FakeMode, options: { count?: number; delayMs?: number; retryAfter?: string } = {}) {
    const res = await fetch(`${CONTROL_URL}/__control`, { method: 'POST', body: JSON.stringify({ mode, ...options }) })
    if (!res.ok) throw new Error(`fake TMDB control failed: ${res.status}`)
  },
  async reset() {
    await fetch(`${CONTROL_URL}/__reset`, { method: 'POST' })
  },
  async stats(): Promise<{ total: number; byPath: Record<string, number>; byUrl: Record<string, number>; last: { path: string; query: Record<string, string>; authorization: string | null } | null }> {
    return (await fetch(`${CONTROL_URL}/__stats`)).json()
  },
}

export interface HarnessOptions {
  /** Which credential the worker has: TMDB_API_KEY, TMDB_READ_TOKEN, or a key the fake rejects. */
  auth?: 'api_key' | 'bearer' | 'invalid'
  timeoutMs?: number
  /** Extra worker vars (e.g. CATALOG_MISS_LIMIT). */
  vars?: Record<string, string>
}

export function tmdbHarness(options: HarnessOptions = {}) {
  const cache = tmdbCacheFor(`test-${crypto.randomUUID()}:`)
  const credential =
    options.auth === 'bearer' ? { TMDB_READ_TOKEN: 'token-123' } : { TMDB_API_KEY: options.auth === 'invalid' ? 'invalid' : 'key-123' }
  const testEnv = { ...workerEnv, ...credential, TMDB_BASE_URL: TMDB_URL, TMDB_IMAGE_BASE_URL: 'https://image.tmdb.org/t/p', ...options.vars }
  const app = createWorker({
    services: (ctx) => {
      const base = createServices(ctx)
      const catalog = createCatalog(ctx.config, {
        cache,
        defer: base.defer,
        origin: ctx.origin,
        tmdbTimeoutMs: options.timeoutMs,
        beforeMiss: catalogMissGuard(ctx.config, () => testAws().db, ctx.client),
      })
      // Where to watch reads the harness's own cache too, so its call counts are this file's.
      const watchProviders = createWatchProviders(ctx.config, { cache, defer: base.defer, timeoutMs: options.timeoutMs })
      return Object.create(base, { catalog: { value: catalog }, watchProviders: { value: watchProviders } }) as Services
    },
  })
  const request = (path: string, init: RequestInit, ctx: ExecutionContext) => app.fetch(new Request(new URL(path, 'http://localhost'), init), testEnv as Env, ctx)

  return {
    /** The harness's own TMDB cache (its entries under its prefix). */
    cache,
    /** The catalog itself, for what the HTTP API does not expose (year, language). */
    catalog: (defer: (work: Promise<unknown>) => void = () => undefined) =>
      createCatalog(parseConfig(testEnv), { cache, defer, tmdbTimeoutMs: options.timeoutMs }),
    /** One request; background work (cache refreshes) has finished when it resolves. */
    async get(path: string, init: RequestInit = {}) {
      const ctx = createExecutionContext()
      const res = await request(path, init, ctx)
      const body = await res.text()
      await waitOnExecutionContext(ctx)
      return { status: res.status, headers: res.headers, body, json: <T = any>() => JSON.parse(body) as T }
    },
    /** One request whose background work is still running: `settle()` waits for it. */
    async getUnsettled(path: string) {
      const ctx = createExecutionContext()
      const res = await request(path, {}, ctx)
      return { res, settle: () => waitOnExecutionContext(ctx) }
    },
  }
}
