import { env } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../src/aws/errors'
import { S3MediaStore } from '../../src/aws/s3'
import { MediaDigestMismatchError } from '../../src/media/store'
import { parseConfig } from '../../src/config'
import { mediaStoreContract } from '../support/media-store-contract'

/**
 * The S3 adapter (src/aws/s3.ts) against the fauxqs the global setup started (it serves S3 on its SNS/SQS port), in a
 * bucket of this run's own. Parts of 5 MiB: fauxqs refuses smaller ones but the last at completion, as S3 does.
 */
const config = parseConfig(env)
const bucket = `media-contract-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const PART = 5 * 2 ** 20

async function makeStore(): Promise<S3MediaStore> {
  const store = S3MediaStore.fromConfig({ ...config, MEDIA_S3_ENDPOINT: config.SQS_ENDPOINT, MEDIA_S3_BUCKET: bucket, MEDIA_PART_SIZE: PART })
  // CreateBucket is no media-store operation (buckets are infrastructure): fauxqs takes it unsigned.
  const created = await fetch(`${config.SQS_ENDPOINT}/${bucket}`, { method: 'PUT' })
  expect(created.status).toBe(200)
  return store
}

// 1,200 objects (two list/delete batches): each signed PUT costs fauxqs ~2 ms, and 2,500 took 5 s on a loaded machine.
mediaStoreContract('s3 (fauxqs)', makeStore, { bulkKeys: 250, batchSize: 100 })

describe('the S3 adapter beyond the contract', () => {
  it('should default to 8 MiB parts against an endpoint (fauxqs refuses bodies over 11 MiB) and 64 MiB on AWS', () => {
    const defaults = { ...config, MEDIA_S3_BUCKET: bucket, MEDIA_PART_SIZE: undefined }
    expect(S3MediaStore.fromConfig({ ...defaults, MEDIA_S3_ENDPOINT: config.SQS_ENDPOINT }).partSize).toBe(8 * 2 ** 20)
    expect(S3MediaStore.fromConfig({ ...defaults, MEDIA_S3_ENDPOINT: undefined }).partSize).toBe(64 * 2 ** 20)
    expect(S3MediaStore.fromConfig({ ...defaults, MEDIA_PART_SIZE: 6_000_000 }).partSize).toBe(6_000_000)
  })

  it('should sign requests to AWS virtual-hosted, escaping each segment of the key', async () => {
    const seen: Request[] = []
    const store = new S3MediaStore({
      region: 'eu-west-1', accessKeyId: 'AKID', secretAccessKey: 'secret', bucket: 'flixpeek-media', maxRetries: 0,
      fetch: async (input) => (seen.push(input as Request), new Response(null, { status: 404 })),
    })
    expect(await store.head("videos/01J/subtitles/pt BR(1).vtt")).toBeNull()
    expect(seen[0]!.url).toBe('https://flixpeek-media.s3.eu-west-1.amazonaws.com/videos/01J/subtitles/pt%20BR%281%29.vtt')
    expect(seen[0]!.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/s3\/aws4_request/)
    expect(seen[0]!.headers.get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD')
  })

  it("should map S3's answers fauxqs never gives: BadDigest, a 200 carrying an <Error>, a 503 then success", async () => {
    const xmlError = (code: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>m</Message></Error>`
    const answers = [
      new Response(xmlError('BadDigest'), { status: 400 }),
      new Response(xmlError('InternalError'), { status: 200 }),
      new Response(xmlError('SlowDown'), { status: 503 }),
      new Response('<CompleteMultipartUploadResult><ETag>"e-2"</ETag></CompleteMultipartUploadResult>', { status: 200 }),
    ]
    const store = new S3MediaStore({
      region: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 'secret', bucket: 'b', maxRetries: 1, baseDelayMs: 1,
      fetch: async () => answers.shift()!,
    })
    await expect(store.uploadPart('k', 'u', 1, new Response('x').body!, { size: 1, md5: 'AAAAAAAAAAAAAAAAAAAAAA==' })).rejects.toBeInstanceOf(MediaDigestMismatchError)
    // The 200 with an <Error> is a 500: retried once, then the 503 is the last word.
    await expect(store.completeUpload('k', 'u', [{ n: 1, etag: 'a' }])).rejects.toMatchObject({ type: 'SlowDown' })
    await store.completeUpload('k', 'u', [{ n: 1, etag: 'a' }])
  })

  it('should tell a missing bucket from a missing key', async () => {
    const store = S3MediaStore.fromConfig({ ...config, MEDIA_S3_ENDPOINT: config.SQS_ENDPOINT, MEDIA_S3_BUCKET: `${bucket}-absent` })
    await expect(store.get('videos/x/source')).rejects.toBeInstanceOf(AwsError)
    await expect(store.get('videos/x/source')).rejects.toMatchObject({ type: 'NoSuchBucket' })
  })
})
