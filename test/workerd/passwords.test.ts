import { env } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { provideArgon2Module } from '../../src/auth/argon2'
import { hashPassword, pepperKey, verifyPassword } from '../../src/auth/password'
import { argon2Module } from '../../src/main/worker'
import { api, signUp } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'

// The Workers entry's precompiled module, as the composition root provides it to the app.
provideArgon2Module(argon2Module)

const { db, table } = testAws()
const jwtSecret = (env as unknown as { JWT_SECRET: string }).JWT_SECRET

describe('password hashing inside workerd', { timeout: 120_000 }, () => {
  it('should store Argon2id (19 MiB, t=2, p=1) with a per-user salt and verify only the right password', async () => {
    const key = await pepperKey({ jwtSecret })
    const first = await hashPassword(key, 'same password')
    const second = await hashPassword(key, 'same password')
    expect(first).toMatch(/^argon2id\$v1\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/)
    expect(first).not.toBe(second)
    expect(await verifyPassword(key, 'same password', first)).toEqual({ ok: true, needsRehash: false })
    expect((await verifyPassword(key, 'Same password', first)).ok).toBe(false)
  })

  it('should make the hash useless without the pepper', async () => {
    const stored = await hashPassword(await pepperKey({ jwtSecret, PASSWORD_PEPPER: 'the pepper this hash was made with' }), 'peppered secret')
    const otherPepper = await pepperKey({ jwtSecret, PASSWORD_PEPPER: 'a different pepper value entirely' })
    expect((await verifyPassword(otherPepper, 'peppered secret', stored)).ok).toBe(false)
    const derived = await hashPassword(await pepperKey({ jwtSecret }), 'peppered secret')
    const otherSecret = await pepperKey({ jwtSecret: `${jwtSecret}-rotated` })
    expect((await verifyPassword(otherSecret, 'peppered secret', derived)).ok).toBe(false)
  })

  it('should verify the PBKDF2 fallback, ask for a rehash, and never match unreadable or absurd hashes', async () => {
    const key = await pepperKey({ jwtSecret })
    const legacy = await hashPassword(key, 'old scheme', 'pbkdf2-sha256')
    expect(legacy).toMatch(/^pbkdf2-sha256\$v1\$100000\$/)
    expect(await verifyPassword(key, 'old scheme', legacy)).toEqual({ ok: true, needsRehash: true })
    const current = await hashPassword(key, 'x')
    const [scheme, version, , salt, hash] = current.split('$')
    for (const bad of ['', 'garbage', `${scheme}$${version}$m=99999999,t=2,p=1$${salt}$${hash}`, `pbkdf2-sha256$v1$100001$${salt}$${hash}`]) {
      expect((await verifyPassword(key, 'x', bad)).ok).toBe(false)
    }
  })

  it('should rehash a PBKDF2 password to Argon2id on the next successful login', async () => {
    const { user, email, password } = await signUp()
    const key = await pepperKey({ jwtSecret })
    await db.update(table, { pk: `USER#${user.id}`, sk: 'PROFILE' }, {
      update: 'SET password_hash = :h',
      values: { ':h': await hashPassword(key, password, 'pbkdf2-sha256') },
    })
    expect((await api('/auth/login', { body: { email, password } })).status).toBe(200)
    const profile = await db.get<{ password_hash: string }>(table, { pk: `USER#${user.id}`, sk: 'PROFILE' }, { consistent: true })
    // Also moved from the JWT-derived pepper (v1) to PASSWORD_PEPPER (v2), which the test worker has.
    expect(profile!.password_hash).toMatch(/^argon2id\$v2\$/)
    expect((await api('/auth/login', { body: { email, password } })).status).toBe(200)
  })
})
