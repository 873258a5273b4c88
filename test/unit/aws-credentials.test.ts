import { createServer, type IncomingMessage, type Server } from 'node:http'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseJsonError, SignedClient } from '../../src/aws/client'
import { cachedCredentials, containerCredentials, type CredentialsSource } from '../../src/aws/credentials'
import { DynamoDb } from '../../src/aws/dynamodb'
import { parseConfig } from '../../src/config'
import { nodeAwsCredentials, nodeRuntime } from '../../src/main/node/platform'

const CONTAINER_TOKEN = 'container-auth-token'
const WEB_IDENTITY_TOKEN = 'eyJ.web-identity.token'
const ROLE_ARN = 'arn:aws:iam::123456789012:role/flixpeek'

/**
 * One local server playing the ECS credentials endpoint (/ecs), STS (/sts) and an AWS service that
 * records what it was sent (/capture). Each credentials answer is a new key: ASIA...1, ASIA...2, ...
 */
const state = {
  issued: 0,
  failing: false,
  expiresAt: () => new Date(Date.now() + 3_600_000),
  stsForms: [] as URLSearchParams[],
  captured: [] as Record<string, string | string[] | undefined>[],
}
let server: Server
let base: string
let dir: string

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = ''
    req.on('data', (chunk: Buffer) => (text += chunk.toString()))
    req.on('end', () => resolve(text))
  })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flixpeek-creds-'))
  server = createServer(async (req, res) => {
    const text = await body(req)
    const next = () => ({ id: `ASIATEST${++state.issued}`, secret: `secret-${state.issued}`, token: `session-${state.issued}` })
    if (req.url === '/ecs' && req.method === 'GET') {
      if (state.failing) return res.writeHead(500).end('down')
      if (req.headers.authorization !== CONTAINER_TOKEN) return res.writeHead(401).end('no token')
      const c = next()
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ AccessKeyId: c.id, SecretAccessKey: c.secret, Token: c.token, Expiration: state.expiresAt().toISOString() }))
    }
    if (req.url === '/sts/' && req.method === 'POST') {
      const form = new URLSearchParams(text)
      state.stsForms.push(form)
      if (form.get('Action') !== 'AssumeRoleWithWebIdentity' || form.get('WebIdentityToken') !== WEB_IDENTITY_TOKEN || form.get('RoleArn') !== ROLE_ARN) {
        return res.writeHead(403).end('<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>')
      }
      const c = next()
      res.writeHead(200, { 'content-type': 'text/xml' })
      return res.end(
        `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><SessionToken>${c.token}</SessionToken>` +
          `<SecretAccessKey>${c.secret}</SecretAccessKey><Expiration>${state.expiresAt().toISOString()}</Expiration><AccessKeyId>${c.id}</AccessKeyId>` +
          `</Credentials><AssumedRoleUser><Arn>x</Arn></AssumedRoleUser></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`,
      )
    }
    if (req.url === '/capture/') {
      state.captured.push(req.headers)
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
      return res.end('{}')
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

beforeEach(() => {
  state.issued = 0
  state.failing = false
  state.expiresAt = () => new Date(Date.now() + 3_600_000)
  state.stsForms = []
  state.captured = []
})

/** What a signed call through `credentials` sends: its Authorization and X-Amz-Security-Token. */
async function signedCall(credentials: CredentialsSource | undefined) {
  const client = new SignedClient(
    'dynamodb',
    { endpoint: `${base}/capture`, region: 'eu-west-1', accessKeyId: 'AKIASTATIC', secretAccessKey: 'static-secret', maxRetries: 0, ...(credentials ? { credentials } : {}) },
    parseJsonError,
  )
  await client.request({ path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' })
  const headers = state.captured.at(-1)!
  return { authorization: String(headers.authorization), token: headers['x-amz-security-token'] }
}

const PRODUCTION = {
  ENVIRONMENT: 'production',
  JWT_SECRET: 'creds-test-secret-of-at-least-32-bytes!!',
  PASSWORD_PEPPER: 'creds-test-pepper-of-at-least-32-bytes!!',
  SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:t',
  SQS_QUEUE_URL: 'http://127.0.0.1:9/q',
  PUBLIC_URL: 'https://flixpeek.example',
  TMDB_API_KEY: 'k',
  AWS_REGION: 'eu-west-1',
}

describe('the Node runtime signing AWS calls with a role', () => {
  it('should sign with the ECS container endpoint credentials (FULL_URI + authorization token)', async () => {
    const vars = { ...PRODUCTION, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/ecs`, AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN, DYNAMODB_ENDPOINT: `${base}/capture` }
    const config = parseConfig(vars)
    const runtime = nodeRuntime(vars, config)
    expect(runtime.platform.awsCredentials).toBeDefined()
    await DynamoDb.fromConfig(config, { credentials: runtime.platform.awsCredentials!, maxRetries: 0 }).call('ListTables', {})
    const headers = state.captured.at(-1)!
    expect(String(headers.authorization)).toContain('Credential=ASIATEST1/')
    expect(headers['x-amz-security-token']).toBe('session-1')
  })

  it('should exchange the web identity token file for the role at STS (IRSA)', async () => {
    const tokenFile = join(dir, 'token')
    await writeFile(tokenFile, `${WEB_IDENTITY_TOKEN}\n`)
    const vars = { ...PRODUCTION, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: ROLE_ARN, AWS_ROLE_SESSION_NAME: 'pod-1', STS_ENDPOINT: `${base}/sts/` }
    const credentials = nodeAwsCredentials(vars, parseConfig(vars))
    const signed = await signedCall(credentials)
    expect(signed.authorization).toContain('Credential=ASIATEST1/')
    expect(signed.authorization).toContain('/eu-west-1/dynamodb/aws4_request')
    expect(signed.token).toBe('session-1')
    expect(state.stsForms[0]!.get('RoleSessionName')).toBe('pod-1')
  })

  it('should sign with the configured static keys when AWS_ACCESS_KEY_ID is set, even with a role around', async () => {
    const vars = { ...PRODUCTION, AWS_ACCESS_KEY_ID: 'AKIAREALKEYREAL', AWS_SECRET_ACCESS_KEY: 'real-secret', AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/ecs` }
    expect(nodeAwsCredentials(vars, parseConfig(vars))).toBeUndefined()
    const signed = await signedCall(undefined)
    expect(signed.authorization).toContain('Credential=AKIASTATIC/')
    expect(signed.token).toBeUndefined()
    expect(state.issued).toBe(0)
  })

  it('should refuse a plain-http FULL_URI that is not loopback or the ECS/EKS agent', () => {
    expect(() => containerCredentials({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://example.com/creds' } })).toThrow(/must be https/)
  })
})

describe('cached credentials', () => {
  let now = 0
  const clock = () => now
  beforeEach(() => {
    now = Date.parse('2026-11-26T06:00:00Z')
    state.expiresAt = () => new Date(now + 3_600_000)
  })
  const container = () => cachedCredentials(containerCredentials({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/ecs`, AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN } }), { now: clock })

  it('should ask once for concurrent callers and again only within 5 minutes of expiry', async () => {
    const credentials = container()
    const [a, b] = await Promise.all([credentials(), credentials()])
    expect(a.accessKeyId).toBe('ASIATEST1')
    expect(b.accessKeyId).toBe('ASIATEST1')
    now += 50 * 60_000
    expect((await signedCall(credentials)).authorization).toContain('Credential=ASIATEST1/')
    now += 6 * 60_000 // 4 minutes left
    const signed = await signedCall(credentials)
    expect(signed.authorization).toContain('Credential=ASIATEST2/')
    expect(signed.token).toBe('session-2')
    expect(state.issued).toBe(2)
  })

  it('should keep serving still-valid credentials when a refresh fails, and fail without them once expired', async () => {
    const credentials = container()
    await credentials()
    state.failing = true
    now += 57 * 60_000 // inside the refresh window, still valid
    expect((await signedCall(credentials)).authorization).toContain('Credential=ASIATEST1/')
    now += 4 * 60_000 // expired
    const failure = await credentials().then(() => undefined, (error: unknown) => error as Error)
    expect(failure?.message).toMatch(/container credentials endpoint answered 500/)
    expect(failure?.message).not.toContain('secret-1')
    state.failing = false
    expect((await credentials()).accessKeyId).toBe('ASIATEST2')
  })
})

describe('production configuration without static keys', () => {
  it('should be accepted when the ECS or web identity environment is present', () => {
    expect(parseConfig({ ...PRODUCTION, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc' }).isProduction).toBe(true)
    expect(parseConfig({ ...PRODUCTION, AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token', AWS_ROLE_ARN: ROLE_ARN }).isProduction).toBe(true)
  })

  it('should be refused with no provider environment, and dummy static keys refused even with one', () => {
    expect(() => parseConfig(PRODUCTION)).toThrow(/AWS_ACCESS_KEY_ID must be a real credential in production/)
    expect(() => parseConfig({ ...PRODUCTION, AWS_ROLE_ARN: ROLE_ARN })).toThrow(/AWS_ACCESS_KEY_ID must be a real credential/)
    expect(() => parseConfig({ ...PRODUCTION, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/c', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'real-secret' })).toThrow(
      /AWS_ACCESS_KEY_ID must be a real credential in production/,
    )
  })
})
