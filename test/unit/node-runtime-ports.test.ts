import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { DataStore } from '../../src/data/store'
import { clientAddressFrom, isPrivateAddress, privatePeerWarning } from '../../src/main/node/client-address'
import { gzipCompression } from '../../src/main/node/compression'
import { headersFor, parseHeadersFile } from '../../src/main/node/headers-file'
import { memoryFronted } from '../../src/main/node/memory-cache'
import { siteTarget, type PublicSite } from '../../src/main/node/public-site'
import { dynamoTextCache, MAX_STORED_BODY_BYTES, type TextCache } from '../../src/main/node/shared-cache'
import { latestOccurrence } from '../../src/jobs/cron-expression'

/** Items by key, as DynamoDB would keep them (TTL deletion never runs here, as it often has not in life). */
function itemStore() {
  const items = new Map<string, Record<string, unknown>>()
  const id = (key: Record<string, unknown>) => `${key.pk}|${key.sk}`
  const db = {
    get: async (_table: string, key: Record<string, unknown>) => items.get(id(key)),
    put: async (_table: string, item: Record<string, unknown>) => void items.set(id(item), item),
  } as unknown as DataStore
  return { db, items }
}

describe('the Node runtime shared cache (DynamoDB items)', () => {
  it('should store bodies compressed and read them back until they expire, even if the item is still there', async () => {
    let now = 1_000_000
    const { db, items } = itemStore()
    const cache = dynamoTextCache({ db: () => db, table: 't', compression: gzipCompression, now: () => now })
    const value = JSON.stringify({ results: Array.from({ length: 200 }, (_, i) => ({ id: i, title: 'The same title again' })) })
    await cache.put('tmdb:popular', value, { ttlSeconds: 60 })
    const [item] = [...items.values()]
    expect(item).toMatchObject({ pk: 'CACHE#tmdb:popular', sk: 'CACHE', expires_at: Math.ceil((now + 60_000) / 1000) })
    expect((item!.body as Uint8Array).byteLength).toBeLessThan(value.length / 5)
    expect((await cache.getText('tmdb:popular'))?.value).toBe(value)
    now += 61_000
    expect(await cache.getText('tmdb:popular')).toBeNull()
  })

  it('should not cache a body still over the item limit after compression', async () => {
    const { db, items } = itemStore()
    const cache = dynamoTextCache({ db: () => db, table: 't', compression: gzipCompression })
    const random = randomBytes(Math.ceil(MAX_STORED_BODY_BYTES * 1.1)).toString('base64')
    await cache.put('big', random, { ttlSeconds: 60 })
    expect(items.size).toBe(0)
    expect(await cache.getText('big')).toBeNull()
  })

  it('should answer a miss, not an error, when the table cannot be read', async () => {
    const failing = { get: async () => Promise.reject(new Error('down')), put: async () => Promise.reject(new Error('down')) } as unknown as DataStore
    const cache = dynamoTextCache({ db: () => failing, table: 't', compression: gzipCompression })
    await expect(cache.put('k', '"v"', { ttlSeconds: 5 })).resolves.toBeUndefined()
    await expect(cache.getText('k')).resolves.toBeNull()
  })
})

describe('the in-process LRU in front of it', () => {
  const counting = () => {
    const stored = new Map<string, { value: string; expiresAt: number }>()
    let reads = 0
    const shared: TextCache = {
      getText: async (key) => {
        reads++
        return stored.get(key) ?? null
      },
      put: async (key, value, { ttlSeconds }) => void stored.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 }),
    }
    return { shared, reads: () => reads }
  }

  it('should answer repeated reads from memory and stay within its byte budget', async () => {
    const { shared, reads } = counting()
    const cache = memoryFronted(shared, { maxBytes: 10_000 })
    await cache.put('a', JSON.stringify({ n: 1 }), { ttlSeconds: 60 })
    expect(await cache.get('a')).toEqual({ n: 1 })
    expect(await cache.get('a')).toEqual({ n: 1 })
    expect(reads()).toBe(0)
    for (let i = 0; i < 50; i++) await cache.put(`k${i}`, JSON.stringify('x'.repeat(400)), { ttlSeconds: 60 })
    expect(cache.bytes()).toBeLessThanOrEqual(10_000)
    // Evicted from memory, still in the shared cache.
    expect(await cache.get('a')).toEqual({ n: 1 })
    expect(reads()).toBe(1)
  })
})

describe('Node runtime helpers', () => {
  it('should take the client from the socket, or from the last entry of the trusted header only', () => {
    const request = new Request('http://x/', { headers: { 'X-Forwarded-For': '6.6.6.6, 203.0.113.9', 'CF-Connecting-IP': '6.6.6.6' } })
    expect(clientAddressFrom(request, '::ffff:10.0.0.2', undefined)).toBe('10.0.0.2')
    expect(clientAddressFrom(request, '10.0.0.2', 'X-Forwarded-For')).toBe('203.0.113.9')
    expect(clientAddressFrom(new Request('http://x/'), '10.0.0.2', 'X-Forwarded-For')).toBe('10.0.0.2')
  })

  it('should warn once in production without a trusted header when the first request comes from a private address, naming no address (audit 3, M7)', () => {
    const warnings: string[] = []
    const warn = (message: string) => void warnings.push(message)
    const check = privatePeerWarning({ production: true, trustedHeader: undefined, warn })
    check('::ffff:10.42.0.7')
    check('10.42.0.8')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/TRUSTED_CLIENT_IP_HEADER is unset/)
    expect(warnings[0]).not.toMatch(/\d+\.\d+\.\d+\.\d+|::/)
    // Checked at the first request only: a public first peer, a trusted header or development, and nothing is said.
    const quiet = [
      privatePeerWarning({ production: true, trustedHeader: undefined, warn }),
      privatePeerWarning({ production: true, trustedHeader: 'X-Forwarded-For', warn }),
      privatePeerWarning({ production: false, trustedHeader: undefined, warn }),
    ]
    quiet[0]!('203.0.113.9')
    quiet[0]!('10.0.0.1')
    for (const later of quiet.slice(1)) later('10.0.0.1')
    expect(warnings).toHaveLength(1)
    for (const address of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '100.64.0.1', '127.0.0.1', '169.254.169.254', '::1', 'fd12:3456::1', 'fe80::1', '::ffff:192.168.1.1']) {
      expect(isPrivateAddress(address), address).toBe(true)
    }
    for (const address of ['203.0.113.9', '172.32.0.1', '8.8.8.8', '2001:db8::1', '::ffff:8.8.8.8']) expect(isPrivateAddress(address), address).toBe(false)
  })

  it('should hold a production server to PUBLIC_URL\'s host and origin, probes aside (audit 3, M6 and I1)', () => {
    const site: PublicSite = { origin: 'https://flixpeek.example', protocol: 'https:', host: 'flixpeek.example' }
    expect(siteTarget('/login?next=%2F', 'flixpeek.example', site)).toBe('https://flixpeek.example/login?next=%2F')
    expect(siteTarget('/', 'FlixPeek.Example:443', site)).toBe('https://flixpeek.example/')
    expect(siteTarget('//evil.example/x', 'flixpeek.example', site)).toBe('https://flixpeek.example//evil.example/x')
    for (const host of ['evil.example', 'flixpeek.example:80', '10.0.0.5:8787', 'flixpeek.example/x', 'user@flixpeek.example', '', undefined]) {
      expect(siteTarget('/', host, site), String(host)).toBeNull()
    }
    // An absolute-form target names its host itself (Node's server would take it over Host).
    expect(siteTarget('http://evil.example/', 'flixpeek.example', site)).toBeNull()
    expect(siteTarget('http://flixpeek.example/movies/1', 'evil.example', site)).toBe('https://flixpeek.example/movies/1')
    expect(siteTarget('*', 'flixpeek.example', site)).toBeNull()
    // Probes come with a pod's or task's address as Host.
    expect(siteTarget('/healthz', '10.0.0.5:8787', site)).toBe('/healthz')
    expect(siteTarget('/livez?x=1', '10.0.0.5:8787', site)).toBe('/livez?x=1')
  })

  it('should apply every matching _headers rule to a path', () => {
    const rules = parseHeadersFile('# c\n/*\n  X-A: 1\n/vendor/*\n  Cache-Control: immutable\n/exact\n  X-B: 2\n')
    const vendor = headersFor(rules, '/vendor/x.js')
    expect([vendor.get('X-A'), vendor.get('Cache-Control'), vendor.get('X-B')]).toEqual(['1', 'immutable', null])
    const exact = headersFor(rules, '/exact')
    expect([exact.get('X-A'), exact.get('Cache-Control'), exact.get('X-B')]).toEqual(['1', null, '2'])
  })

  it('should tell which occurrence a late cron run belongs to', () => {
    expect(new Date(latestOccurrence('*/5 * * * *', new Date('2026-11-26T04:12:40Z'))!).toISOString()).toBe('2026-11-26T04:10:00.000Z')
    expect(new Date(latestOccurrence('0 7 * * 1', new Date('2026-11-26T04:12:40Z'))!).toISOString()).toBe('2026-11-23T07:00:00.000Z')
  })
})
