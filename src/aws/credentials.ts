/**
 * Where AWS credentials come from: static keys from configuration, the ECS container endpoint (the task
 * role), or a web identity token exchanged at STS (EKS IRSA). Providers fetch; `cachedCredentials` keeps
 * the answer until shortly before it expires. Nothing here logs or puts a credential value in an error.
 */

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** When they stop working (epoch ms); absent: they do not expire (static keys). */
  expiresAt?: number
}

/** The current credentials; called before every signed request (cache behind it). */
export type CredentialsSource = () => Promise<AwsCredentials>

/** Reads a file as text (the runtime's port: src/aws stays free of node:fs). */
export type ReadTextFile = (path: string) => Promise<string>

export class CredentialsError extends Error {
  override name = 'CredentialsError'
}

/** Static keys, e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from configuration. */
export function staticCredentials(config: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_SESSION_TOKEN?: string }): CredentialsSource {
  const credentials: AwsCredentials = {
    accessKeyId: config.AWS_ACCESS_KEY_ID,
    secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
    ...(config.AWS_SESSION_TOKEN ? { sessionToken: config.AWS_SESSION_TOKEN } : {}),
  }
  return async () => credentials
}

type Env = Record<string, string | undefined>

interface ProviderOptions {
  env: Env
  fetch?: typeof fetch
  /** Per-request timeout (default 5000 ms): a silent endpoint must not hang every AWS call. */
  timeoutMs?: number
}

const ECS_CREDENTIALS_HOST = 'http://169.254.170.2'
/** Hosts a FULL_URI may name over plain http (as the AWS SDKs allow): loopback and the ECS/EKS agents. */
const PLAIN_HTTP_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '169.254.170.2', '169.254.170.23', '[fd00:ec2::23]'])

export function hasContainerEnvironment(env: Env): boolean {
  return Boolean(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
}

export function hasWebIdentityEnvironment(env: Env): boolean {
  return Boolean(env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN)
}

/**
 * The ECS (and EKS Pod Identity) container credentials endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 * under 169.254.170.2, or AWS_CONTAINER_CREDENTIALS_FULL_URI; AWS_CONTAINER_AUTHORIZATION_TOKEN (or the
 * file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names) as the Authorization header when set.
 */
export function containerCredentials(options: ProviderOptions & { readFile?: ReadTextFile }): CredentialsSource {
  const { env } = options
  const url = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    ? ECS_CREDENTIALS_HOST + env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    : env.AWS_CONTAINER_CREDENTIALS_FULL_URI
  if (!url) throw new CredentialsError('container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI is not set')
  const parsed = new URL(url)
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && PLAIN_HTTP_HOSTS.has(parsed.hostname))) {
    throw new CredentialsError(`container credentials: ${parsed.host} must be https, or a loopback or ECS/EKS agent address`)
  }
  return async () => {
    const headers: Record<string, string> = { accept: 'application/json' }
    const token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN
      ?? (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE && options.readFile ? (await options.readFile(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)).trim() : undefined)
    if (token) headers.authorization = token
    const response = await send(options, url, { headers }, 'container credentials endpoint')
    let body: { AccessKeyId?: unknown; SecretAccessKey?: unknown; Token?: unknown; Expiration?: unknown }
    try {
      body = JSON.parse(await response.text()) as typeof body
    } catch {
      throw new CredentialsError('container credentials endpoint answered with something other than JSON')
    }
    return credentialsFrom('container credentials endpoint', body.AccessKeyId, body.SecretAccessKey, body.Token, body.Expiration)
  }
}

/**
 * Web identity (EKS IRSA): the token in AWS_WEB_IDENTITY_TOKEN_FILE (re-read each time: the kubelet
 * rotates it) exchanged for AWS_ROLE_ARN's credentials with an unsigned STS AssumeRoleWithWebIdentity.
 */
export function webIdentityCredentials(options: ProviderOptions & { readFile: ReadTextFile; region: string; stsEndpoint?: string }): CredentialsSource {
  const { env } = options
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE
  const roleArn = env.AWS_ROLE_ARN
  if (!tokenFile || !roleArn) throw new CredentialsError('web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN must both be set')
  const endpoint = options.stsEndpoint ?? `https://sts.${options.region}.amazonaws.com/`
  return async () => {
    let token: string
    try {
      token = (await options.readFile(tokenFile)).trim()
    } catch (error) {
      throw new CredentialsError(`web identity: cannot read the token file ${tokenFile}`, { cause: error })
    }
    const body = new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: env.AWS_ROLE_SESSION_NAME || `flixpeek-${Date.now()}`,
      WebIdentityToken: token,
    })
    const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/xml' }, body: body.toString() }
    const response = await send(options, endpoint, init, 'STS AssumeRoleWithWebIdentity')
    const xml = await response.text()
    const block = /<Credentials>([\s\S]*?)<\/Credentials>/.exec(xml)?.[1] ?? ''
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(block)?.[1]
    return credentialsFrom('STS AssumeRoleWithWebIdentity', field('AccessKeyId'), field('SecretAccessKey'), field('SessionToken'), field('Expiration'))
  }
}

async function send(options: ProviderOptions, url: string, init: RequestInit, what: string): Promise<Response> {
  const transport = options.fetch ?? fetch
  let response: Response
  try {
    response = await transport(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) })
  } catch (error) {
    throw new CredentialsError(`${what} unreachable (${error instanceof Error ? error.name : 'error'})`, { cause: error })
  }
  if (!response.ok) {
    // The error code only (STS's <Code>): the body may echo what was sent.
    const code = /<Code>([A-Za-z]+)<\/Code>/.exec(await response.text().catch(() => ''))?.[1]
    throw new CredentialsError(`${what} answered ${response.status}${code ? ` ${code}` : ''}`)
  }
  return response
}

function credentialsFrom(what: string, accessKeyId: unknown, secretAccessKey: unknown, token: unknown, expiration: unknown): AwsCredentials {
  if (typeof accessKeyId !== 'string' || !accessKeyId || typeof secretAccessKey !== 'string' || !secretAccessKey) {
    throw new CredentialsError(`${what} answered without AccessKeyId/SecretAccessKey`)
  }
  const expiresAt = typeof expiration === 'string' && expiration ? Date.parse(expiration) : undefined
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) throw new CredentialsError(`${what} answered an unreadable Expiration`)
  return {
    accessKeyId,
    secretAccessKey,
    ...(typeof token === 'string' && token ? { sessionToken: token } : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  }
}

/**
 * Keeps a provider's answer and asks again ~5 minutes before it expires: one refresh in flight at a time
 * (concurrent callers share it); a refresh that fails while the old credentials are still valid serves them.
 */
export function cachedCredentials(
  source: CredentialsSource,
  options: { now?: () => number; refreshBeforeMs?: number; onRefreshError?: (error: unknown) => void } = {},
): CredentialsSource {
  const now = options.now ?? Date.now
  const margin = options.refreshBeforeMs ?? 5 * 60_000
  let current: AwsCredentials | undefined
  let inFlight: Promise<AwsCredentials> | undefined
  const refresh = () =>
    (inFlight ??= source()
      .then((fresh) => (current = fresh))
      .finally(() => {
        inFlight = undefined
      }))
  return async () => {
    if (current && (current.expiresAt === undefined || now() < current.expiresAt - margin)) return current
    try {
      return await refresh()
    } catch (error) {
      if (current && (current.expiresAt === undefined || now() < current.expiresAt)) {
        options.onRefreshError?.(error)
        return current
      }
      throw error
    }
  }
}

/**
 * The runtime's choice: undefined when static keys are configured (AWS_ACCESS_KEY_ID set: the adapters keep
 * signing with config's keys), else the container endpoint when its environment is present, else web identity
 * when its environment is present, else undefined (config's development defaults).
 */
export function credentialsFromEnvironment(
  env: Env,
  options: { region: string; readFile: ReadTextFile; fetch?: typeof fetch; stsEndpoint?: string; now?: () => number; onRefreshError?: (error: unknown) => void },
): CredentialsSource | undefined {
  if (env.AWS_ACCESS_KEY_ID) return undefined
  const transport = options.fetch ? { fetch: options.fetch } : {}
  const cache = { ...(options.now ? { now: options.now } : {}), ...(options.onRefreshError ? { onRefreshError: options.onRefreshError } : {}) }
  if (hasContainerEnvironment(env)) return cachedCredentials(containerCredentials({ env, readFile: options.readFile, ...transport }), cache)
  if (hasWebIdentityEnvironment(env)) {
    const sts = options.stsEndpoint ? { stsEndpoint: options.stsEndpoint } : {}
    return cachedCredentials(webIdentityCredentials({ env, readFile: options.readFile, region: options.region, ...transport, ...sts }), cache)
  }
  return undefined
}
