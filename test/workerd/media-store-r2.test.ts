import { env } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { r2MediaStore } from '../../src/main/r2-media'
import { workersPlatform } from '../../src/main/worker'
import { mediaStoreContract } from '../support/media-store-contract'

/**
 * The R2 adapter (src/main/r2-media.ts) on the MEDIA bucket wrangler.toml binds, as miniflare serves it inside
 * workerd. Under test miniflare lowers R2's 5 MiB minimum part to 50 bytes (it still wants equal parts), so 64 KiB
 * parts keep the suite quick.
 */
const bucket = (env as unknown as { MEDIA: R2Bucket }).MEDIA

mediaStoreContract('r2 (miniflare)', () => r2MediaStore(bucket, { partSize: 5 * 2 ** 20 }), { bulkKeys: 1_200 })

describe('the Workers platform', () => {
  it('should give the app the MEDIA bucket as its media store, with MEDIA_PART_SIZE when set', () => {
    expect(workersPlatform({ ...env, MEDIA_PART_SIZE: undefined }).media).toMatchObject({ kind: 'r2', partSize: 64 * 2 ** 20 })
    expect(workersPlatform({ ...env, MEDIA_PART_SIZE: '6000000' }).media?.partSize).toBe(6_000_000)
    expect(workersPlatform({ ...env, MEDIA: undefined }).media).toBeUndefined()
  })
})
