import { env } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { hashPassword, pepperKey, verifyPassword } from '../../../src/auth/password'
import { ConfigError, parseConfig } from '../../../src/config'
import { api, signUp } from '../../support/harness/accounts'
import { testAws } from '../../support/harness/aws'

const { db, table } = testAws()
const jwtSecret = (env as unknown as { JWT_SECRET: string }).JWT_SECRET

const production = {
  ENVIRONMENT: 'production',
  JWT_SECRET: 'p'.repeat(40),
  TMDB_READ_TOKEN: 'token',
  SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:1:t',
  SQS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q',
  PUBLIC_URL: 'https://movies.example.com',
  AWS_ACCESS_KEY_ID: 'AKIAREALKEY',
  AWS_SECRET_ACCESS_KEY: 'real-secret',
}

/** F7: the pepper is its own secret in production; hashes made with the JWT-derived pepper move to it. */
describe('PASSWORD_PEPPER (F7)', { timeout: 60_000 }, () => {
  it('should refuse to start in production without a PASSWORD_PEPPER of at least 32 bytes', () => {
    expect(() => parseConfig(production)).toThrow(ConfigError)
    expect(() => parseConfig(production)).toThrow(/PASSWORD_PEPPER is required in production/)
    expect(() => parseConfig({ ...production, PASSWORD_PEPPER: 'short' })).toThrow(/PASSWORD_PEPPER must be at least 32 bytes/)
    expect(parseConfig({ ...production, PASSWORD_PEPPER: 'x'.repeat(32) }).isProduction).toBe(true)
    // Development still starts without one (the pepper then derives from JWT_SECRET).
    expect(parseConfig({ ENVIRONMENT: 'development' }).PASSWORD_PEPPER).toBeUndefined()
  })

  it('should upgrade a hash made with the JWT-derived pepper to PASSWORD_PEPPER at the next login', async () => {
    const { user, email, password } = await signUp()
    const derived = await pepperKey({ jwtSecret })
    const key = { pk: `USER#${user.id}`, sk: 'PROFILE' }
    const v1 = await hashPassword(derived, password)
    expect(v1).toMatch(/^argon2id\$v1\$/)
    await db.update(table, key, { update: 'SET password_hash = :h', values: { ':h': v1 } })

    expect((await api('/auth/login', { body: { email, password } })).status).toBe(200)
    const stored = (await db.get<{ password_hash: string }>(table, key, { consistent: true }))!.password_hash
    expect(stored).toMatch(/^argon2id\$v2\$/)
    // The upgraded hash needs PASSWORD_PEPPER: the JWT secret alone no longer verifies it.
    expect((await verifyPassword(derived, password, stored)).ok).toBe(false)
    expect((await api('/auth/login', { body: { email, password } })).status).toBe(200)
    expect((await api('/auth/login', { body: { email, password: `${password}!` } })).status).toBe(401)
  })
})

describe('PUBLIC_URL in production', () => {
  it('should be required, since every emailed link is built from it', () => {
    const { PUBLIC_URL: _unset, ...withoutUrl } = { ...production, PASSWORD_PEPPER: 'q'.repeat(40) }
    expect(() => parseConfig(withoutUrl)).toThrow(/PUBLIC_URL is required in production/)
    expect(parseConfig({ ...withoutUrl, PUBLIC_URL: 'https://movies.example.com/' }).publicUrl).toBe('https://movies.example.com')
  })

  it('should be https: over plain http passwords and reset links travel in the clear (audit 3, M6)', () => {
    const config = { ...production, PASSWORD_PEPPER: 'q'.repeat(40) }
    for (const url of ['http://movies.example.com', 'http://10.0.0.5:8787', 'http://127.0.0.1.example.com']) {
      expect(() => parseConfig({ ...config, PUBLIC_URL: url }), url).toThrow(/PUBLIC_URL must be an https: URL in production/)
    }
    // Loopback, which browsers treat as a secure context (a production smoke test on one machine), and development.
    for (const url of ['http://localhost:8787', 'http://127.0.0.1:8787', 'http://[::1]:8787']) expect(parseConfig({ ...config, PUBLIC_URL: url }).publicUrl).toBe(url)
    expect(parseConfig({ ENVIRONMENT: 'development', PUBLIC_URL: 'http://192.168.1.20:8787' }).publicUrl).toBe('http://192.168.1.20:8787')
  })
})
