import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DynamoDb } from '../../aws/dynamodb'
import type { Config } from '../../config'
import type { DataStore } from '../../data/store'
import { guardedMediaStore } from '../../media/store'
import type { PageCache, Platform } from '../../platform'
import { gzipCompression } from './compression'
import { dynamoCronLease, type CronLease } from './cron-lease'
import { trackedDefer, type TrackedDefer } from './deferred'
import { nodeAwsCredentials, nodeMediaStore } from './aws-access'
import { memoryFronted } from './memory-cache'
import { playlistMemoryCache } from './playlist-cache'
import { dynamoTextCache } from './shared-cache'
import { staticAssets, type NodeStaticAssets } from './static-assets'

/**
 * The ports of src/platform.ts on Node (what src/main/worker.ts's workersPlatform maps from bindings):
 * configuration from environment variables with the worker's names, the TMDB cache in DynamoDB behind an
 * in-process LRU, `defer` as tracked promises, public/ from memory, the Argon2 .wasm from the package the
 * worker bundles it from, the page cache as the app's in-process tier alone, and media in S3 or a directory.
 */
export interface NodeRuntime {
  /** The platform without a client address: the server adds the request's own (clientAddressFrom). */
  readonly platform: Platform
  readonly deferred: TrackedDefer
  readonly assets: NodeStaticAssets
  readonly lease: CronLease
}

/** Environment variables as the string vars the worker gets (unset and non-string values dropped). */
export function varsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/** public/ next to the bundle (dist/public) or, running from source, the repository's. */
export function defaultPublicDir(): string {
  for (const candidate of ['./public/', '../../../public/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(dir)) return dir
  }
  throw new Error('public/ not found next to the server (dist/public) or in the repository')
}

/** workers-types leave it out (workerd forbids compiling at run time); Node has it. */
const { compile } = WebAssembly as unknown as { compile(bytes: Uint8Array): Promise<WebAssembly.Module> }

/** The same .wasm file the worker imports (wrangler precompiles it there; Node compiles it once here). */
let argon2: Promise<WebAssembly.Module> | undefined
export const argon2Module = () =>
  (argon2 ??= readFile(createRequire(import.meta.url).resolve('@phi-ag/argon2/argon2.wasm')).then((bytes) => compile(new Uint8Array(bytes))))

/**
 * Pages are kept by the app's in-process tier (src/http/page-cache.ts's memory); there is no shared
 * store behind it on Node, so this one never holds anything.
 */
const memoryOnlyPageCache: PageCache = {
  match: async () => undefined,
  put: async () => {},
}

export function nodeRuntime(vars: Record<string, string>, config: Config, options: { publicDir?: string; db?: () => DataStore } = {}): NodeRuntime {
  let store: DataStore | undefined
  const awsCredentials = nodeAwsCredentials(vars, config)
  const db = options.db ?? (() => (store ??= DynamoDb.fromConfig(config, awsCredentials ? { credentials: awsCredentials } : {})))
  const countryHeader = vars.TRUSTED_COUNTRY_HEADER?.trim() || undefined
  const deferred = trackedDefer()
  const assets = staticAssets(options.publicDir ?? defaultPublicDir())
  const cache = memoryFronted(dynamoTextCache({ db, table: config.DYNAMODB_TABLE, compression: gzipCompression }))
  const platform: Platform = {
    vars,
    cache,
    defer: deferred.defer,
    clientAddress: () => undefined,
    // Only a header a trusted proxy sets (TRUSTED_COUNTRY_HEADER): anything else a client could forge.
    country: (request) => (countryHeader ? request.headers.get(countryHeader)?.trim() || undefined : undefined),
    assets,
    ...(vars.PAGE_CACHE === 'off' ? {} : { pageCache: memoryOnlyPageCache }),
    ...(vars.APP_VERSION ? { appVersion: vars.APP_VERSION } : {}),
    ...(awsCredentials ? { awsCredentials } : {}),
    media: guardedMediaStore(nodeMediaStore(config, awsCredentials)),
    mediaCache: playlistMemoryCache(),
    argon2Module,
  }
  return { platform, deferred, assets, lease: dynamoCronLease({ db, table: config.DYNAMODB_TABLE }) }
}

export { nodeAwsCredentials, nodeMediaStore }
