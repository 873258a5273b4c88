import { guardedMediaStore } from '../media/store'
import argon2Wasm from '@phi-ag/argon2/argon2.wasm'
import { createApp, type AppOptions } from '../app'
import { configFor, type Env } from '../config'
import { CRON_JOBS } from '../jobs'
import type { CacheStore, MediaCache, PageCache, Platform } from '../platform'
import { createServices } from '../services'
import { r2MediaStore } from './r2-media'
import { cfCountry } from './cf-country'

/** Workers KV as the platform's CacheStore. */
export function kvCacheStore(kv: KVNamespace): CacheStore {
  return {
    get: <T>(key: string) => kv.get<T>(key, 'json'),
    put: (key, value, { ttlSeconds }) => kv.put(key, value, { expirationTtl: ttlSeconds }),
  }
}

/** The Workers Cache API (per data centre, never purged: keys are versioned) as the page cache. */
export function cacheApiPageCache(cache: () => Cache): PageCache {
  return {
    match: async (key) => (await cache().match(new Request(key))) ?? undefined,
    put: (key, response) => cache().put(new Request(key), response),
  }
}

/**
 * The page cache unless PAGE_CACHE=off (the worker test suite turns it off so files cannot see each
 * other's pages; test/workerd/page-cache.test.ts turns it on) or the runtime has no Cache API.
 */
function pageCacheFor(env: Env): PageCache | undefined {
  if (env.PAGE_CACHE === 'off' || typeof caches === 'undefined') return undefined
  return cacheApiPageCache(() => caches.default)
}

/**
 * Video objects in the same Cache API, under token-free keys of their own (src/playback/media.ts): on even when pages
 * are not cached, since a video's keys are its own and never shared between test files.
 */
function mediaCacheFor(): MediaCache | undefined {
  if (typeof caches === 'undefined') return undefined
  return { keeps: 'all', ...cacheApiPageCache(() => caches.default) }
}

/** The deployment's id when the Worker binds version metadata (CF_VERSION_METADATA), else APP_VERSION. */
function appVersionOf(env: Env): string | undefined {
  const metadata = env.CF_VERSION_METADATA as { id?: string } | undefined
  const version = metadata?.id ?? env.APP_VERSION
  return typeof version === 'string' && version ? version : undefined
}

/** The precompiled Argon2 module wrangler bundles from the `.wasm` import. */
export const argon2Module = () => argon2Wasm

/**
 * The R2 bucket bound as MEDIA, when bound. MEDIA_PART_SIZE (checked by src/config.ts) overrides the part size:
 * the platform is built before the config is parsed, so it is read here as the string it is.
 */
function mediaFor(env: Env): Pick<Platform, 'media'> {
  const bucket = env.MEDIA as R2Bucket | undefined
  if (!bucket) return {}
  const partSize = Number(env.MEDIA_PART_SIZE)
  return { media: guardedMediaStore(r2MediaStore(bucket, Number.isInteger(partSize) && partSize > 0 ? { partSize } : {})) }
}

/**
 * Maps a Worker's bindings and execution context to the platform ports. Cron runs and scripts have no
 * execution context: deferred work then simply runs on.
 */
export function workersPlatform(env: Env, ctx?: Pick<ExecutionContext, 'waitUntil'>): Platform {
  return {
    vars: env,
    cache: kvCacheStore(env.TMDB_CACHE),
    defer: (work) => (ctx ? ctx.waitUntil(work) : void work),
    // Cloudflare's edge always sets it (a client cannot override it there); workerd exposes no peer address.
    clientAddress: (request) => request.headers.get('CF-Connecting-IP')?.trim() || undefined,
    country: cfCountry,
    ...(env.ASSETS ? { assets: env.ASSETS } : {}),
    pageCache: pageCacheFor(env),
    mediaCache: mediaCacheFor(),
    appVersion: appVersionOf(env),
    ...mediaFor(env),
    argon2Module,
  }
}

/** The Worker: HTTP through the one Hono app, cron triggers through the job table. */
export function createWorker(options: AppOptions = {}) {
  const app = createApp(options)
  const makeServices = options.services ?? createServices
  return {
    fetch: (request: Request, env: Env, ctx: ExecutionContext) => app.fetch(request, { platform: workersPlatform(env, ctx) }, ctx),
    async scheduled(controller: Pick<ScheduledController, 'cron'>, env: Env, ctx: ExecutionContext) {
      const job = CRON_JOBS[controller.cron]
      if (!job) {
        console.warn(`no job for cron "${controller.cron}"`)
        return
      }
      await job(makeServices({ config: configFor(env), platform: workersPlatform(env, ctx) }))
    },
  } satisfies ExportedHandler<Env>
}

export default createWorker()
