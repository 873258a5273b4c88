import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { S3MediaStore } from '../../src/aws/s3'
import { parseConfig } from '../../src/config'
import { DiskMediaStore } from '../../src/main/node/disk-media'
import { nodeMediaStore } from '../../src/main/node/platform'
import { mediaStoreContract, patternBytes } from '../support/media-store-contract'

/**
 * The directory adapter (src/main/node/disk-media.ts) in a throwaway folder, with 64 KiB parts and, for the contract's
 * 2,500-object delete, without the flush before each rename (which the tests below keep).
 */
const root = mkdtempSync(join(tmpdir(), 'flixpeek-media-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

mediaStoreContract('directory', () => new DiskMediaStore(join(root, 'contract'), { partSize: 64 * 1024, sync: false }))

describe('the directory adapter beyond the contract', () => {
  const store = new DiskMediaStore(join(root, 'own'), { partSize: 64 * 1024 })

  it('should refuse keys that could leave its folder or reach its own bookkeeping', async () => {
    for (const key of ['../escape', 'a/../../escape', '/etc/passwd', 'a//b', 'a/', '.uploads/x', '.tmp/x', 'a\\b', 'a/./b']) {
      await expect(store.put(key, 'x', {}), key).rejects.toBeInstanceOf(TypeError)
    }
    await expect(store.list('../')).rejects.toBeInstanceOf(TypeError)
  })

  it('should leave no temporary file and no half object when a write fails midway', async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(patternBytes(1, 1000))
        controller.error(new Error('client went away'))
      },
    })
    await expect(store.put('videos/x/source', failing, { size: 5000 })).rejects.toThrow('client went away')
    expect(await store.head('videos/x/source')).toBeNull()
    expect(readdirSync(join(store.root, '.tmp'))).toEqual([])
  })

  it('should refuse parts of the wrong size at completion, and remove emptied folders on delete', async () => {
    const uploadId = await store.createUpload('videos/y/source')
    const first = await store.uploadPart('videos/y/source', uploadId, 1, new Response(patternBytes(2, 1000)).body!, { size: 1000 })
    const last = await store.uploadPart('videos/y/source', uploadId, 2, new Response(patternBytes(3, 10)).body!, { size: 10 })
    await expect(store.completeUpload('videos/y/source', uploadId, [{ n: 1, ...first }, { n: 2, ...last }])).rejects.toThrow(/every part but the last/)
    await store.abortUpload('videos/y/source', uploadId)
    await store.put('videos/z/v1/seg.m4s', 'x', {})
    await store.delete(['videos/z/v1/seg.m4s'])
    expect(readdirSync(store.root).filter((name) => !name.startsWith('.'))).toEqual([])
  })

  it('should be what the Node runtime uses unless MEDIA_S3_BUCKET names a bucket', () => {
    const disk = nodeMediaStore(parseConfig({ MEDIA_DIR: join(root, 'node'), MEDIA_PART_SIZE: '6000000' }), undefined)
    expect(disk).toBeInstanceOf(DiskMediaStore)
    expect(disk).toMatchObject({ kind: 'disk', root: join(root, 'node'), partSize: 6_000_000 })
    expect((nodeMediaStore(parseConfig({}), undefined) as DiskMediaStore).root).toBe(join(process.cwd(), '.data/media'))
    const s3 = nodeMediaStore(parseConfig({ MEDIA_S3_BUCKET: 'flixpeek-media', MEDIA_DIR: join(root, 'node') }), undefined)
    expect(s3).toBeInstanceOf(S3MediaStore)
    expect(s3).toMatchObject({ kind: 's3', partSize: 64 * 2 ** 20 })
  })
})
