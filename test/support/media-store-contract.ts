import { beforeAll, describe, expect, it } from 'vitest'
import { deletePrefix } from '../../src/media/delete-prefix'
import { MediaDigestMismatchError, MediaUploadNotFoundError, type MediaObject, type MediaStore } from '../../src/media/store'

/**
 * What every MediaStore adapter promises (src/media/store.ts), as one suite run against each: R2 inside workerd
 * (the end of test/workerd/features.test.ts), S3 against fauxqs (test/app/media-store-s3.test.ts) and the directory
 * (test/unit/media-store-disk.test.ts). Runs in both Node and workerd, so it uses web APIs only. Every key lives
 * under a prefix of its own per run, so a persisted or shared bucket never sees a previous run's objects.
 */

export interface ContractOptions {
  /** Objects the bulk delete makes and removes (default 1,001: two batches of 1,000). */
  bulkKeys?: number
  /** Deletion batches smaller than 1,000 (fewer keys to make for several batches, where the store does not enforce S3's limit). */
  batchSize?: number
}

/** Deterministic bytes (xorshift32 from `seed`): the same seed always gives the same content, nothing is downloaded. */
export function patternBytes(seed: number, length: number): Uint8Array<ArrayBuffer> {
  const words = new Uint32Array(Math.ceil(length / 4))
  let x = seed >>> 0 || 0x9e3779b9
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[i] = x >>> 0
  }
  return new Uint8Array(words.buffer, 0, length)
}

/** Content-MD5 of `bytes` (base64): workerd's WebCrypto has MD5; Node's has not, so node:crypto there. */
export async function md5Base64(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  let digest: Uint8Array
  try {
    digest = new Uint8Array(await crypto.subtle.digest('MD5', bytes))
  } catch {
    // A name in a variable: neither the workerd bundle nor its type-check (no Node types) sees this import.
    const nodeCrypto = 'node:crypto'
    const { createHash } = (await import(/* @vite-ignore */ nodeCrypto)) as { createHash(name: string): { update(b: Uint8Array): { digest(): Uint8Array } } }
    digest = createHash('md5').update(bytes).digest()
  }
  return btoa(String.fromCharCode(...digest))
}

const streamOf = (bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> => {
  let at = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, (at += chunk)))
    },
  })
}

const bytesOf = async (object: MediaObject | null) => new Uint8Array(await new Response(object!.body).arrayBuffer())

/** Byte equality, reported as where the first difference is (vitest's toEqual walks big arrays slowly). */
function expectBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  let differ = -1
  for (let i = 0; i < Math.min(actual.length, expected.length) && differ < 0; i++) if (actual[i] !== expected[i]) differ = i
  expect({ length: actual.length, firstDifference: differ }, what).toEqual({ length: expected.length, firstDifference: -1 })
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  parts.reduce((at, part) => (out.set(part, at), at + part.length), 0)
  return out
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work))
}

export function mediaStoreContract(name: string, makeStore: () => MediaStore | Promise<MediaStore>, options: ContractOptions = {}): void {
  describe(`MediaStore contract: ${name}`, { timeout: 30_000 }, () => {
    let store: MediaStore
    const run = `contract/${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}/`
    const small = patternBytes(1, 10_000)

    beforeAll(async () => {
      store = await makeStore()
      await store.put(`${run}small`, small, { contentType: 'video/mp4' })
    })

    it('should store a whole object from bytes, a string or a stream, and give it back with its size, etag and type', async () => {
      const head = await store.head(`${run}small`)
      expect(head).toMatchObject({ size: small.length, contentType: 'video/mp4' })
      expect(head!.etag).toMatch(/^[^"]+$/)
      const whole = await store.get(`${run}small`)
      expect(whole).toMatchObject({ size: small.length, etag: head!.etag })
      expect(whole!.range).toBeUndefined()
      expectBytes(await bytesOf(whole), small)

      const text = await store.put(`${run}text.vtt`, 'WEBVTT\n', { contentType: 'text/vtt' })
      expect(new TextDecoder().decode(await bytesOf(await store.get(`${run}text.vtt`)))).toBe('WEBVTT\n')
      expect((await store.head(`${run}text.vtt`))?.etag).toBe(text.etag)

      const streamed = patternBytes(2, 200_000)
      await store.put(`${run}streamed`, streamOf(streamed), { size: streamed.length })
      expectBytes(await bytesOf(await store.get(`${run}streamed`)), streamed)
    })

    it('should answer ranges: offset and length, offset to the end, a suffix; a range running over the end is cut there', async () => {
      const cases = [
        { range: { offset: 100, length: 50 }, offset: 100, length: 50 },
        { range: { offset: 9_000 }, offset: 9_000, length: 1_000 },
        { range: { suffix: 300 }, offset: 9_700, length: 300 },
        { range: { offset: 9_990, length: 100 }, offset: 9_990, length: 10 },
        { range: { suffix: 20_000 }, offset: 0, length: 10_000 },
      ]
      for (const { range, offset, length } of cases) {
        const part = await store.get(`${run}small`, range)
        expect(part, JSON.stringify(range)).toMatchObject({ size: small.length, range: { offset, length } })
        expectBytes(await bytesOf(part), small.slice(offset, offset + length), JSON.stringify(range))
      }
    })

    it('should throw RangeError for a range that starts at or past the end, and answer null for an absent key', async () => {
      for (const range of [{ offset: small.length }, { offset: small.length + 5, length: 10 }, { suffix: 0 }]) {
        await expect(store.get(`${run}small`, range), JSON.stringify(range)).rejects.toBeInstanceOf(RangeError)
      }
      expect(await store.head(`${run}absent`)).toBeNull()
      expect(await store.get(`${run}absent`)).toBeNull()
      expect(await store.get(`${run}absent`, { offset: 0, length: 1 })).toBeNull()
    })

    it('should join parts sent out of order, a repeated part counting with its last bytes, in part-number order', async () => {
      const key = `${run}multipart/source`
      const size = store.partSize
      const [one, two, twoAgain, three] = [patternBytes(11, size), patternBytes(12, size), patternBytes(13, size), patternBytes(14, 1_234)]
      const uploadId = await store.createUpload(key, { contentType: 'video/x-matroska' })
      const p3 = await store.uploadPart(key, uploadId, 3, streamOf(three!), { size: three!.length })
      const p1 = await store.uploadPart(key, uploadId, 1, streamOf(one!), { size: one!.length, md5: await md5Base64(one!) })
      await store.uploadPart(key, uploadId, 2, streamOf(two!), { size: two!.length })
      const p2 = await store.uploadPart(key, uploadId, 2, streamOf(twoAgain!), { size: twoAgain!.length })
      expect(await store.head(key)).toBeNull()
      await store.completeUpload(key, uploadId, [{ n: 3, ...p3 }, { n: 1, ...p1 }, { n: 2, ...p2 }])
      expect(await store.head(key)).toMatchObject({ size: 2 * size + three!.length, contentType: 'video/x-matroska' })
      expectBytes(await bytesOf(await store.get(key)), concat(one!, twoAgain!, three!))
      const tail = await store.get(key, { offset: size - 10, length: 20 })
      expectBytes(await bytesOf(tail), concat(one!.slice(-10), twoAgain!.slice(0, 10)))
      await expect(store.uploadPart(key, uploadId, 4, streamOf(three!), { size: three!.length })).rejects.toBeInstanceOf(MediaUploadNotFoundError)
    })

    it('should drop an aborted upload (aborting again is fine) and refuse its parts afterwards', async () => {
      const key = `${run}aborted/source`
      const uploadId = await store.createUpload(key)
      const part = await store.uploadPart(key, uploadId, 1, streamOf(small), { size: small.length })
      await store.abortUpload(key, uploadId)
      await store.abortUpload(key, uploadId)
      expect(await store.head(key)).toBeNull()
      await expect(store.uploadPart(key, uploadId, 2, streamOf(small), { size: small.length })).rejects.toBeInstanceOf(MediaUploadNotFoundError)
      await expect(store.completeUpload(key, uploadId, [{ n: 1, ...part }])).rejects.toBeInstanceOf(MediaUploadNotFoundError)
    })

    it('should refuse a part whose bytes differ from its Content-MD5, and take it once sent right', async () => {
      const key = `${run}digest/source`
      const bytes = patternBytes(21, 5_000)
      const uploadId = await store.createUpload(key)
      const wrong = await md5Base64(patternBytes(22, 5_000))
      await expect(store.uploadPart(key, uploadId, 1, streamOf(bytes), { size: bytes.length, md5: wrong })).rejects.toBeInstanceOf(MediaDigestMismatchError)
      const part = await store.uploadPart(key, uploadId, 1, streamOf(bytes), { size: bytes.length, md5: await md5Base64(bytes) })
      await store.completeUpload(key, uploadId, [{ n: 1, ...part }])
      expectBytes(await bytesOf(await store.get(key)), bytes)
    })

    it('should list keys under a prefix in key order, page by page with a cursor', async () => {
      const prefix = `${run}listed/`
      // 'a-b' sorts before 'a/c' ('-' < '/'): a folder-walking store must order by whole keys. No key here is also
      // another's folder ('a' beside 'a/c'): the directory store cannot hold both (src/main/node/disk-media.ts).
      const names = ['a-b', 'a/c', 'a0', 'b/x/1', 'b/x/2', 'c', 'd.m3u8']
      await Promise.all([...names.map((n) => store.put(prefix + n, n, {})), store.put(`${run}listed-not/x`, 'x', {})])
      const pages: string[][] = []
      let cursor: string | undefined
      do {
        const page = await store.list(prefix, { limit: 3, ...(cursor ? { cursor } : {}) })
        expect(page.keys.length).toBeLessThanOrEqual(3)
        pages.push(page.keys)
        cursor = page.cursor
      } while (cursor && pages.length < 10)
      expect(pages.flat()).toEqual(names.map((n) => prefix + n))
      expect(pages[0]).toHaveLength(3)
      expect((await store.list(`${prefix}b/`)).keys).toEqual([`${prefix}b/x/1`, `${prefix}b/x/2`])
      expect(await store.list(`${run}nothing/`)).toEqual({ keys: [] })
    })

    it('should delete a prefix of thousands of keys in batches, and leave every other prefix alone', async () => {
      const count = options.bulkKeys ?? 1_001 // two batches of deletion
      const prefix = `${run}bulk/`
      const keys = Array.from({ length: count }, (_, i) => `${prefix}seg_${String(i).padStart(5, '0')}.m4s`)
      // 8 at a time: miniflare's R2 slowed down with more in flight (1,100 puts: 1.6–2.6 s at 2–8, 5.5 s at 50).
      await inBatches(keys, 8, (key) => store.put(key, 'x', {}))
      await store.put(`${run}bulk-kept`, 'kept', {})
      expect(await deletePrefix(store, prefix, 10, options.batchSize)).toBe(true)
      expect((await store.list(prefix)).keys).toEqual([])
      expect(await store.head(`${run}bulk-kept`)).toMatchObject({ size: 4 })
      expect(await store.head(`${run}small`)).toMatchObject({ size: small.length })
      await store.delete([`${run}bulk-kept`, `${run}never-existed`])
      expect(await store.head(`${run}bulk-kept`)).toBeNull()
    })
  })
}
