import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { credentialsFromEnvironment, type CredentialsSource } from '../../aws/credentials'
import { DynamoDb } from '../../aws/dynamodb'
import { S3MediaStore } from '../../aws/s3'
import type { Config } from '../../config'
import type { DataStore } from '../../data/store'
import { guardedMediaStore, type MediaStore } from '../../media/store'
import type { PageCache, Platform } from '../../platform'
import { gzipCompression } from './compression'
import { dynamoCronLease, type CronLease } from './cron-lease'
import { trackedDefer, type TrackedDefer } from './deferred'
import { diskMediaStore } from './disk-media'
import { memoryFronted } from './memory-cache'
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
 * Which credentials AWS calls sign with: undefined (config's static keys) when AWS_ACCESS_KEY_ID is set,
 * else the ECS container endpoint (the task role) when ECS's variables are present, else web identity
 * (EKS IRSA) when AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are. STS_ENDPOINT overrides the regional STS.
 */
export function nodeAwsCredentials(vars: Record<string, string>, config: Config): CredentialsSource | undefined {
  return credentialsFromEnvironment(vars, {
    region: config.AWS_REGION,
    readFile: (path) => readFile(path, 'utf8'),
    ...(vars.STS_ENDPOINT ? { stsEndpoint: vars.STS_ENDPOINT } : {}),
    onRefreshError: (error) =>
      console.warn(`AWS credentials refresh failed, the current ones are served until they expire: ${error instanceof Error ? error.message : 'unknown error'}`),
  })
}

/**
 * Pages are kept by the app's in-process tier (src/http/page-cache.ts's memory); there is no shared
 * store behind it on Node, so this one never holds anything.
 */
const memoryOnlyPageCache: PageCache = {
  match: async () => undefined,
  put: async () => {},
}

/**
 * Media in S3 when MEDIA_S3_BUCKET is set (signed like DynamoDB: the same keys, task role or IRSA), else in the
 * directory MEDIA_DIR names (default `.data/media` under the working directory).
 */
export function nodeMediaStore(config: Config, awsCredentials: CredentialsSource | undefined): MediaStore {
  if (config.MEDIA_S3_BUCKET) {
    return S3MediaStore.fromConfig({ ...config, MEDIA_S3_BUCKET: config.MEDIA_S3_BUCKET }, awsCredentials ? { credentials: awsCredentials } : {})
  }
  return diskMediaStore(config.MEDIA_DIR, config.MEDIA_PART_SIZE)
}

export function nodeRuntime(vars: Record<string, string>, config: Config, options: { publicDir?: string; db?: () => DataStore } = {}): NodeRuntime {
  let store: DataStore | undefined
  const awsCredentials = nodeAwsCredentials(vars, config)
  const db = options.db ?? (() => (store ??= DynamoDb.fromConfig(config, awsCredentials ? { credentials: awsCredentials } : {})))
  const deferred = trackedDefer()
  const assets = staticAssets(options.publicDir ?? defaultPublicDir())
  const cache = memoryFronted(dynamoTextCache({ db, table: config.DYNAMODB_TABLE, compression: gzipCompression }))
  const platform: Platform = {
    vars,
    cache,
    defer: deferred.defer,
    clientAddress: () => undefined,
    assets,
    ...(vars.PAGE_CACHE === 'off' ? {} : { pageCache: memoryOnlyPageCache }),
    ...(vars.APP_VERSION ? { appVersion: vars.APP_VERSION } : {}),
    ...(awsCredentials ? { awsCredentials } : {}),
    media: guardedMediaStore(nodeMediaStore(config, awsCredentials)),
    argon2Module,
  }
  return { platform, deferred, assets, lease: dynamoCronLease({ db, table: config.DYNAMODB_TABLE }) }
}
