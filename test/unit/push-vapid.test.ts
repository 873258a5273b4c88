import { describe, expect, it } from 'vitest'
import { toBase64Url } from '../../src/push/bytes'
import { vapidSigner, type VapidKeys } from '../../src/push/vapid'

/** The bound the audit's fix promises (MAX_CACHED_TOKENS in src/push/vapid.ts). */
const MAX_CACHED_TOKENS = 64

async function keyPair(): Promise<VapidKeys> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])) as CryptoKeyPair
  const publicKey = toBase64Url(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer))
  const { d } = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey
  return { publicKey, privateKey: d!, subject: 'mailto:push-tests@flixpeek.test' }
}

/** The VAPID token cache (src/push/vapid.ts): tokens are reused per push-service origin, and the cache is bounded (the third audit's I6). */
describe('VAPID token cache', () => {
  it(`keeps at most ${MAX_CACHED_TOKENS} origins' tokens, dropping the least recently used`, async () => {
    const signer = vapidSigner(await keyPair())
    const origin = (i: number) => `https://push-${i}.example.com/send/abc`
    // ES256 signatures are randomised: the same header twice means the token came from the cache.
    const warm = await signer.authorization('https://warm.example.com/x')
    const cold = await signer.authorization('https://cold.example.com/x')
    expect(await signer.authorization('https://cold.example.com/other')).toBe(cold)
    await signer.authorization('https://warm.example.com/x')
    // Fill the rest of the cache: both are still there.
    for (let i = 0; i < MAX_CACHED_TOKENS - 2; i++) await signer.authorization(origin(i))
    expect(await signer.authorization('https://warm.example.com/x')).toBe(warm)
    // One more origin evicts the least recently used (cold), never the one just used (warm).
    await signer.authorization(origin(MAX_CACHED_TOKENS))
    expect(await signer.authorization('https://warm.example.com/x')).toBe(warm)
    expect(await signer.authorization('https://cold.example.com/x')).not.toBe(cold)
    // A thousand origins later the signer still works and a recent origin is cached.
    for (let i = 0; i < 1000; i++) await signer.authorization(origin(1000 + i))
    const recent = await signer.authorization(origin(1999))
    expect(await signer.authorization(origin(1999))).toBe(recent)
  })
})
