import { describe, expect, it } from 'vitest'
import { ratePk, rateKeyFor } from '../../../src/accounts/throttle'
import { clientKey } from '../../../src/http/client-key'
import { api, uniqueEmail, type ErrorJson } from '../../support/harness/accounts'
import { testAws } from '../../support/harness/aws'

const { db, table, config } = testAws()
const hex = () => crypto.getRandomValues(new Uint16Array(1))[0]!.toString(16)
/** A fresh /64 no other test uses, and an address inside it with a random interface id. */
const randomPrefix = () => `2001:db8:${hex()}:${hex()}`
const inPrefix = (prefix: string) => `${prefix}:${hex()}:${hex()}:${hex()}:${hex()}`

describe('clientKey (F1)', () => {
  it('should key IPv4 by the address and IPv6 by its /64, whatever the spelling', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64')
    expect(clientKey('2001:0DB8:0001:0002::1')).toBe('2001:db8:1:2::/64')
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'))
    expect(clientKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64')
  })
})

describe('per-client limits for IPv6 (F1)', { timeout: 120_000 }, () => {
  it('should answer 429 after 50 failed logins from rotating addresses of one /64', async () => {
    const prefix = randomPrefix()
    const fail = () => api('/auth/login', { body: { email: uniqueEmail('rotate'), password: 'wrong password' }, ip: inPrefix(prefix) })
    for (let i = 0; i < 50; i++) expect((await fail()).status).toBe(401)
    const limited = await fail()
    expect(limited.status).toBe(429)
    expect(((await limited.json()) as ErrorJson).error.code).toBe('rate_limited')
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
    // Another /64 is another client.
    const other = await api('/auth/login', { body: { email: uniqueEmail('other'), password: 'wrong password' }, ip: inPrefix(randomPrefix()) })
    expect(other.status).toBe(401)
  })
})

describe('RATE# item names (F15)', { timeout: 60_000 }, () => {
  it('should name counters by an HMAC under a server secret, never by a plain hash of the IP', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`
    // Any bucket for this IP from earlier runs is fine: we only look at where the counter lives.
    await api('/auth/login', { body: { email: uniqueEmail('salted'), password: 'wrong password' }, ip })
    const plain = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`login-client:${ip}`)))
    const unsaltedPk = `RATE#${btoa(String.fromCharCode(...plain.slice(0, 18))).replace(/\+/g, '-').replace(/\//g, '_')}`
    const keyedPk = await ratePk(await rateKeyFor(config.PASSWORD_PEPPER ?? config.jwtSecret), 'login-client', ip)
    const items = async (pk: string) =>
      (await db.query(table, { keyCondition: 'pk = :pk', values: { ':pk': pk }, consistent: true })).items
    expect(await items(unsaltedPk)).toHaveLength(0)
    expect((await items(keyedPk)).length).toBeGreaterThan(0)
    expect(keyedPk).not.toContain(ip)
  })
})
