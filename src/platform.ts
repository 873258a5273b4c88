/**
 * What the core asks of a runtime. The Workers entry (src/main/worker.ts) maps `env` and the
 * execution context to these; a Node entry would map its own. Nothing outside src/main/ reads
 * runtime globals, bindings or the execution context.
 */

import type { MediaStore } from './media/store'

/** A shared cache of strings with a time to live (Workers KV on Workers). Values may vanish early. */
export interface CacheStore {
  /** The stored value parsed as JSON, or null when absent or expired. */
  get<T>(key: string): Promise<T | null>
  put(key: string, value: string, opts: { ttlSeconds: number }): Promise<void>
}

/** Runs work after the response is sent (waitUntil), so the user never waits for it. */
export type Defer = (work: Promise<unknown>) => void

/** The site's static files (public/), for a runtime that does not serve them in front of the app. */
export interface StaticAssets {
  fetch(request: Request): Promise<Response>
}

/**
 * Rendered pages kept close to the runtime (the Cache API on Workers), internal to the app: what the
 * browser may cache is still said by each response's own Cache-Control. Entries may vanish at any
 * time and are never purged: keys carry every version they depend on. `key` is an absolute URL.
 */
export interface PageCache {
  match(key: string): Promise<Response | undefined>
  /** Stores `response` under `key` for as long as its own `Cache-Control: max-age` says. */
  put(key: string, response: Response): Promise<void>
}

/**
 * A video's objects kept close to the runtime, one copy for every viewer (src/playback/media.ts): the Cache API on
 * Workers; on Node an in-process memory that keeps playlists only (segments are too many and too large for it).
 * Same contract as PageCache: entries may vanish at any time; keys carry no token.
 */
export interface MediaCache extends PageCache {
  /** What it keeps: every object but the progressive MP4, or only playlists. */
  readonly keeps: 'all' | 'playlists'
}

/**
 * AWS credentials the runtime obtains itself (the ECS task role, EKS IRSA), asked before each signed call;
 * the answer is cached behind this function. Same shape as src/aws/credentials.ts's AwsCredentials.
 */
export type AwsCredentialsPort = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiresAt?: number }>

export interface Platform {
  /** Configuration variables and secrets, as strings (parsed and checked by src/config.ts). */
  readonly vars: Record<string, unknown>
  readonly cache: CacheStore
  readonly defer: Defer
  /** The client's address as the runtime knows it; undefined when it cannot tell. */
  clientAddress(request: Request): string | undefined
  /**
   * The viewer's country (ISO 3166-1 alpha-2) as the runtime knows it for certain, for "where to watch": Cloudflare's
   * `cf.country` at the edge, a trusted proxy's TRUSTED_COUNTRY_HEADER on Node. Absent or undefined: it cannot tell.
   */
  country?(request: Request): string | undefined
  readonly assets?: StaticAssets
  /** Where anonymous pages are cached (src/http/page-cache.ts); absent: every page is rendered. */
  readonly pageCache?: PageCache
  /** The deployed code's version, when the runtime knows it (part of every page-cache key). */
  readonly appVersion?: string
  /** Where AWS calls get their credentials; absent (Workers, static keys): the configured AWS_ACCESS_KEY_ID/SECRET. */
  readonly awsCredentials?: AwsCredentialsPort
  /**
   * Where video sources and their renditions live (src/media/store.ts): the R2 binding on Workers, S3 or a
   * directory on Node. Absent: the runtime has none (a Worker without the MEDIA binding).
   */
  readonly media?: MediaStore
  /** Where media objects are cached for every viewer (src/playback/media.ts); absent: every request reads the store. */
  readonly mediaCache?: MediaCache
  /** The precompiled Argon2 module (workerd forbids compiling WebAssembly from bytes at run time). */
  argon2Module(): WebAssembly.Module | Promise<WebAssembly.Module>
}

/**
 * The cron table: one source for wrangler.toml's `[triggers] crons` (checked by a test) and the
 * job map in src/jobs/index.ts.
 */
export const CRON = {
  /** Drains the event queue: notifications (and later email and push). */
  drainEvents: '*/5 * * * *',
  /** Daily release alerts, then the recommendations' neighbour-list refresh (src/jobs/index.ts). */
  releaseAlerts: '0 6 * * *',
  /** Weekly email digests (Mondays 07:00 UTC), queued per opted-in user. */
  weeklyDigest: '0 7 * * 1',
} as const

export type CronName = keyof typeof CRON
