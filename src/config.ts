import { z } from 'zod'
import { securityQueueUrlBeside } from '../infra/resources'
import { parseAllowedHosts } from './push/endpoint'

/** Worker bindings: KV, static assets and the string vars/secrets of the contract. */
export interface Env {
  TMDB_CACHE: KVNamespace
  ASSETS?: Fetcher
  [name: string]: unknown
}

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value)
const optionalString = z.preprocess(unsetIfEmpty, z.string().min(1).optional())
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
const url = () => z.preprocess(unsetIfEmpty, httpUrl.optional())
const urlWithDefault = (fallback: string) => z.preprocess(unsetIfEmpty, httpUrl.default(fallback))
const isoDate = z.preprocess(
  unsetIfEmpty,
  z.iso.date({ message: 'must be an ISO date (YYYY-MM-DD)' }).optional(),
)

/**
 * https, or http on a loopback host. Over plain http elsewhere passwords and emailed reset links travel in the clear,
 * and browsers drop the Secure session cookie; a loopback address is what browsers treat as secure (a local smoke test).
 */
function secureOrigin(url: string): boolean {
  const { protocol, hostname } = new URL(url)
  return protocol === 'https:' || hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

const DUMMY_AWS_VALUES = new Set(['local', 'dummy', 'test', 'fake', 'x'])

const ConfigSchema = z
  .object({
    ENVIRONMENT: z.preprocess(unsetIfEmpty, z.enum(['development', 'production']).default('development')),
    TMDB_READ_TOKEN: optionalString,
    TMDB_API_KEY: optionalString,
    TMDB_BASE_URL: urlWithDefault('https://api.themoviedb.org/3'),
    TMDB_IMAGE_BASE_URL: urlWithDefault('https://image.tmdb.org/t/p'),
    CATALOG_TODAY: isoDate,
    AWS_REGION: z.preprocess(unsetIfEmpty, z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like us-east-1').default('us-east-1')),
    // Static keys; unset, 'local' (development). In production they may be left out only where the runtime gets
    // credentials itself (the Node runtime: ECS task role or EKS IRSA, see src/main/node/platform.ts).
    AWS_ACCESS_KEY_ID: optionalString,
    AWS_SECRET_ACCESS_KEY: optionalString,
    AWS_SESSION_TOKEN: optionalString,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: optionalString,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: optionalString,
    AWS_WEB_IDENTITY_TOKEN_FILE: optionalString,
    AWS_ROLE_ARN: optionalString,
    DYNAMODB_ENDPOINT: url(),
    SNS_ENDPOINT: url(),
    SQS_ENDPOINT: url(),
    DYNAMODB_TABLE: z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name').default('netflix-clone')),
    SNS_TOPIC_ARN: optionalString,
    SQS_QUEUE_URL: url(),
    JWT_SECRET: optionalString,
    PASSWORD_PEPPER: optionalString,
    SES_ENDPOINT: url(),
    MAIL_FROM: z.preprocess(unsetIfEmpty, z.string().regex(/^[^\r\n]*@[^\r\n]+$/, 'must be a sender address, e.g. Flixpeek <no-reply@example.com>').default('Flixpeek <no-reply@flixpeek.local>')),
    PUBLIC_URL: url(),
    // Web Push (src/push/): both keys set turn it on; unset, push is simply off.
    VAPID_PUBLIC_KEY: z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'must be an uncompressed P-256 public key, base64url (87 characters)').optional()),
    VAPID_PRIVATE_KEY: z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a P-256 private key, base64url (43 characters)').optional()),
    VAPID_SUBJECT: z.preprocess(unsetIfEmpty, z.string().regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https: URL').optional()),
    // Web Push endpoints allowed besides the browsers' push services (src/push/endpoint.ts).
    PUSH_ALLOWED_HOSTS: z.preprocess(unsetIfEmpty, z.string().refine((value) => parseAllowedHosts(value) !== null, 'must be hosts (names or IP addresses, each with an optional :port), separated by commas').optional()),
    // Node only (src/main/node/platform.ts): the header a trusted proxy sets with the viewer's country ("where to watch").
    TRUSTED_COUNTRY_HEADER: z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name, e.g. CloudFront-Viewer-Country').optional()),
    CATALOG_MISS_LIMIT: z.preprocess(unsetIfEmpty, z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(600)),
    // The video library (src/videos/, src/media/): who operates it, where media lives, how large an upload may be.
    ADMIN_EMAILS: z.preprocess(unsetIfEmpty, z.string().optional()),
    MEDIA_S3_BUCKET: z.preprocess(unsetIfEmpty, z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name').optional()),
    MEDIA_S3_ENDPOINT: url(),
    MEDIA_DIR: optionalString,
    MEDIA_WRITE_SECRET: optionalString,
    MAX_UPLOAD_BYTES: z.preprocess(unsetIfEmpty, z.coerce.number({ message: 'must be a whole number of bytes' }).int('must be a whole number of bytes').positive('must be positive').default(50 * 2 ** 30)),
    // Watching (src/playback/): who may watch, and how long a media token lasts.
    PLAYBACK: z.preprocess(unsetIfEmpty, z.enum(['members', 'public'], { message: "must be 'members' or 'public'" }).default('members')),
    PLAYBACK_TOKEN_TTL_SECONDS: z.preprocess(unsetIfEmpty, z.coerce.number({ message: 'must be a whole number of seconds' }).int('must be a whole number of seconds').min(10, 'must be at least 10 seconds').max(7 * 86_400, 'must be at most 7 days').default(21_600)),
    // Tuning (tests): the part size the media store asks uploads for, instead of its own default.
    MEDIA_PART_SIZE: z.preprocess(unsetIfEmpty, z.coerce.number({ message: 'must be a whole number of bytes' }).int('must be a whole number of bytes').min(65_536, 'must be at least 64 KiB').max(95_000_000, 'must be at most 95 MB (Workers cap request bodies at 100 MB)').optional()),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.JWT_SECRET !== undefined && new TextEncoder().encode(cfg.JWT_SECRET).length < 32) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'must be at least 32 bytes' })
    }
    if ((cfg.VAPID_PUBLIC_KEY === undefined) !== (cfg.VAPID_PRIVATE_KEY === undefined)) {
      ctx.addIssue({ code: 'custom', path: [cfg.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY'], message: 'must be set together with its pair (or neither: push off)' })
    }
    if (cfg.ENVIRONMENT !== 'production') return
    const require = (name: keyof typeof cfg, why: string) => {
      if (cfg[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: why })
    }
    require('JWT_SECRET', 'is required in production (at least 32 random bytes)')
    require('PASSWORD_PEPPER', 'is required in production (at least 32 random bytes; never rotate it)')
    if (cfg.PASSWORD_PEPPER !== undefined && new TextEncoder().encode(cfg.PASSWORD_PEPPER).length < 32) {
      ctx.addIssue({ code: 'custom', path: ['PASSWORD_PEPPER'], message: 'must be at least 32 bytes in production' })
    }
    require('SNS_TOPIC_ARN', 'is required in production')
    require('PUBLIC_URL', 'is required in production (every emailed link is built from it)')
    if (cfg.PUBLIC_URL !== undefined && !secureOrigin(cfg.PUBLIC_URL)) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'must be an https: URL in production (http only for localhost)' })
    }
    require('SQS_QUEUE_URL', 'is required in production')
    if (cfg.MEDIA_WRITE_SECRET !== undefined && new TextEncoder().encode(cfg.MEDIA_WRITE_SECRET).length < 32) {
      ctx.addIssue({ code: 'custom', path: ['MEDIA_WRITE_SECRET'], message: 'must be at least 32 bytes in production' })
    }
    if (!cfg.TMDB_READ_TOKEN && !cfg.TMDB_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['TMDB_READ_TOKEN'], message: 'or TMDB_API_KEY is required in production' })
    }
    const runtimeCredentials =
      cfg.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI !== undefined ||
      cfg.AWS_CONTAINER_CREDENTIALS_FULL_URI !== undefined ||
      (cfg.AWS_WEB_IDENTITY_TOKEN_FILE !== undefined && cfg.AWS_ROLE_ARN !== undefined)
    // Static keys, when given, are what gets used: they must be real. Left out, only a runtime role will do.
    if (cfg.AWS_ACCESS_KEY_ID !== undefined || !runtimeCredentials) {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const) {
        if (DUMMY_AWS_VALUES.has((cfg[name] ?? 'local').toLowerCase())) {
          const message = runtimeCredentials
            ? 'must be a real credential in production'
            : 'must be a real credential in production (or leave the keys out and run with an ECS task role or EKS IRSA)'
          ctx.addIssue({ code: 'custom', path: [name], message })
        }
      }
    }
  })

type ParsedConfig = z.infer<typeof ConfigSchema>

/** Every variable the configuration reads (`npm start` takes these from the shell: scripts/lib/dev-vars.ts). */
export const CONFIG_VARIABLES = Object.keys(ConfigSchema.shape) as (keyof ParsedConfig)[]

export interface Config extends Omit<ParsedConfig, 'AWS_ACCESS_KEY_ID' | 'AWS_SECRET_ACCESS_KEY'> {
  /** The static keys; 'local' when unset (development, or a runtime that brings its own credentials). */
  AWS_ACCESS_KEY_ID: string
  AWS_SECRET_ACCESS_KEY: string
  /** The TMDB credential in use, if any; without one the bundled catalog is served. */
  tmdbAuth: { kind: 'bearer'; token: string } | { kind: 'api_key'; key: string } | null
  /** Secret used to sign JWTs. In development without one, a per-isolate random secret. */
  jwtSecret: string
  /** The security events' queue, beside SQS_QUEUE_URL (infra/resources.ts SECURITY_QUEUE): drained before it. */
  securityQueueUrl: string | undefined
  isProduction: boolean
  /** PUBLIC_URL without a trailing slash; under development without one, the request's origin (or a loopback default). */
  publicUrl: string | undefined
  /** Web Push keys and contact (VAPID_SUBJECT, else a mailto: of MAIL_FROM's address); null: push is off. */
  vapid: { publicKey: string; privateKey: string; subject: string } | null
  /** ADMIN_EMAILS, lower-cased: accounts with one of these addresses, once verified, are operators. */
  adminEmails: ReadonlySet<string>
  /** Signs the transcoder's internal media requests; in development without one, a per-isolate random secret. */
  mediaWriteSecret: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** One line naming every bad or missing variable, e.g. `Invalid configuration: JWT_SECRET must be at least 32 bytes`. */
export function describeConfigIssues(error: z.ZodError): string {
  const parts = error.issues.map((issue) => `${issue.path.join('.') || 'config'} ${issue.message}`)
  return `Invalid configuration: ${parts.join('; ')}`
}

let developmentSecret: string | undefined
function randomSecret(): string {
  developmentSecret ??= Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('')
  return developmentSecret
}

/** Parses the string variables of `vars` (worker env, or process.env in scripts). Throws ConfigError. */
export function parseConfig(vars: Record<string, unknown>): Config {
  const result = ConfigSchema.safeParse(vars)
  if (!result.success) throw new ConfigError(describeConfigIssues(result.error))
  const cfg = result.data
  const tmdbAuth = cfg.TMDB_READ_TOKEN
    ? ({ kind: 'bearer', token: cfg.TMDB_READ_TOKEN } as const)
    : cfg.TMDB_API_KEY
      ? ({ kind: 'api_key', key: cfg.TMDB_API_KEY } as const)
      : null
  return {
    ...cfg,
    AWS_ACCESS_KEY_ID: cfg.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: cfg.AWS_SECRET_ACCESS_KEY ?? 'local',
    TMDB_BASE_URL: cfg.TMDB_BASE_URL.replace(/\/+$/, ''),
    TMDB_IMAGE_BASE_URL: cfg.TMDB_IMAGE_BASE_URL.replace(/\/+$/, ''),
    tmdbAuth,
    publicUrl: cfg.PUBLIC_URL?.replace(/\/+$/, ''),
    jwtSecret: cfg.JWT_SECRET ?? randomSecret(),
    vapid:
      cfg.VAPID_PUBLIC_KEY && cfg.VAPID_PRIVATE_KEY
        ? { publicKey: cfg.VAPID_PUBLIC_KEY, privateKey: cfg.VAPID_PRIVATE_KEY, subject: cfg.VAPID_SUBJECT ?? `mailto:${/<([^>]+)>/.exec(cfg.MAIL_FROM)?.[1] ?? cfg.MAIL_FROM.trim()}` }
        : null,
    securityQueueUrl: securityQueueUrlBeside(cfg.SQS_QUEUE_URL),
    isProduction: cfg.ENVIRONMENT === 'production',
    adminEmails: new Set((cfg.ADMIN_EMAILS ?? '').split(',').map((address) => address.trim().toLowerCase()).filter(Boolean)),
    mediaWriteSecret: cfg.MEDIA_WRITE_SECRET ?? `media:${randomSecret()}`,
  }
}

const cache = new WeakMap<object, Config>()
/** The config for one set of variables (a Worker's env object), parsed once per isolate. */
export function configFor(env: Record<string, unknown>): Config {
  let config = cache.get(env)
  if (!config) {
    config = parseConfig(env)
    cache.set(env, config)
  }
  return config
}
