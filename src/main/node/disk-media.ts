import { randomUUID } from 'node:crypto'
import { mkdir, open, readdir, readFile, rm, rmdir, unlink, writeFile, type FileHandle } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { MediaUploadNotFoundError, type MediaObject, type MediaObjectInfo, type MediaRange, type MediaStore, type UploadedPart } from '../../media/store'
import { chunksOf, errorCode, HEADER_BYTES, readHeader, writeMediaFile, type Bytes, type MediaFileHeader, type MediaFileWrite } from './disk-media-file'

/**
 * The media store in a directory (the Node runtime without S3: `npm run start:node`, a single self-hosted server).
 * An object is one file at `<root>/<key>`: a fixed 512-byte header (its etag and content type) and then its bytes,
 * so one rename commits bytes and metadata together (src/main/node/disk-media-file.ts). Every file is written under
 * `<root>/.tmp/` and renamed into place, so a crash mid-write leaves no half object. Keys mirror folders, so `a` and
 * `a/b` cannot both exist (the second write throws TypeError); src/media/keys.ts never makes such a pair. Uploads keep
 * their parts under `<root>/.uploads/<id>/<n>` (files of the same shape) until completed or aborted; an upload nobody
 * completes stays until removed by hand.
 */

export const DISK_PART_SIZE = 64 * 2 ** 20
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Deletes run this many at a time: enough to overlap the syscalls, few enough not to exhaust file handles. */
const DELETE_CONCURRENCY = 16

/** The bytes a range names in an object of `size` bytes; RangeError when none of it exists. */
function resolveRange(range: MediaRange, size: number): { offset: number; length: number } {
  if ('suffix' in range) {
    if (!(range.suffix > 0) || size === 0) throw new RangeError(`range not satisfiable: last ${range.suffix} of ${size} bytes`)
    const length = Math.min(range.suffix, size)
    return { offset: size - length, length }
  }
  const { offset, length = size - offset } = range
  if (!(offset >= 0) || offset >= size || !(length > 0)) throw new RangeError(`range not satisfiable: ${offset}+${length} of ${size} bytes`)
  return { offset, length: Math.min(length, size - offset) }
}

export class DiskMediaStore implements MediaStore {
  readonly kind = 'disk'
  readonly root: string
  readonly partSize: number
  private readonly sync: boolean

  /**
   * `sync: false` skips flushing each file to disk before its rename (a power cut may then leave an empty object;
   * a crash of the process still leaves none): for tests that write thousands of objects.
   */
  constructor(root: string, options: { partSize?: number; sync?: boolean } = {}) {
    this.root = resolve(root)
    this.partSize = options.partSize ?? DISK_PART_SIZE
    this.sync = options.sync ?? true
  }

  /** The file of a key. Keys are the app's own (src/media/keys.ts); checked anyway, so none can leave the root. */
  private pathOf(key: string, allowPartialLast = false): string {
    const segments = key.split('/')
    const bad = (segment: string, i: number) =>
      (segment === '' && !(allowPartialLast && i === segments.length - 1)) || segment === '.' || segment === '..' || (i === 0 && segment.startsWith('.'))
    if (key.length > 1024 || /[\\\0]/.test(key) || segments.some(bad)) throw new TypeError(`not a media key: ${JSON.stringify(key)}`)
    const path = resolve(this.root, ...segments)
    if (!path.startsWith(this.root + sep) && !(allowPartialLast && path === this.root)) throw new TypeError(`not a media key: ${JSON.stringify(key)}`)
    return path
  }

  private uploadDir(uploadId: string): string | null {
    return UPLOAD_ID.test(uploadId) ? join(this.root, '.uploads', uploadId) : null
  }

  /** A file of this store (writeMediaFile) through its temporary folder, flushed unless `sync` is off. */
  private write(target: string, bytes: Bytes, file: Pick<MediaFileWrite, 'header' | 'expect' | 'makeParent'>) {
    return writeMediaFile(target, bytes, { ...file, tmpDir: join(this.root, '.tmp'), sync: this.sync })
  }

  /** The object's open file, header and size; null when absent. The caller closes the handle. */
  private async openObject(key: string): Promise<{ handle: FileHandle; header: MediaFileHeader; size: number } | null> {
    const handle = await open(this.pathOf(key), 'r').catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null
      throw error
    })
    if (!handle) return null
    try {
      const stat = await handle.stat()
      // A folder of other keys is no object (and has no header to read).
      if (stat.isFile()) return { handle, header: await readHeader(handle), size: stat.size - HEADER_BYTES }
    } catch (error) {
      await handle.close()
      throw error
    }
    await handle.close()
    return null
  }

  async head(key: string): Promise<MediaObjectInfo | null> {
    const object = await this.openObject(key)
    if (!object) return null
    await object.handle.close()
    return { size: object.size, ...object.header }
  }

  async get(key: string, range?: MediaRange): Promise<MediaObject | null> {
    const object = await this.openObject(key)
    if (!object) return null
    const { handle, header, size } = object
    let slice = { offset: 0, length: size }
    try {
      if (range) slice = resolveRange(range, size)
    } catch (error) {
      await handle.close()
      throw error
    }
    if (slice.length === 0) {
      await handle.close()
      return { size, ...header, body: new ReadableStream({ start: (controller) => controller.close() }) }
    }
    // From the handle opened above: a put that replaces the file meanwhile does not change what this reads.
    const file = handle.createReadStream({ start: HEADER_BYTES + slice.offset, end: HEADER_BYTES + slice.offset + slice.length - 1 })
    return { size, ...header, body: Readable.toWeb(file) as unknown as ReadableStream<Uint8Array>, ...(range ? { range: slice } : {}) }
  }

  async put(key: string, body: ReadableStream<Uint8Array> | Uint8Array | string, opts: { size?: number; contentType?: string }) {
    const bytes: Bytes = typeof body === 'string' ? [Buffer.from(body)] : body instanceof Uint8Array ? [body] : chunksOf(body)
    const { etag } = await this.write(this.pathOf(key), bytes, {
      header: opts.contentType ? { contentType: opts.contentType } : {},
      expect: opts.size !== undefined ? { size: opts.size } : {},
    })
    return { etag }
  }

  async createUpload(key: string, opts: { contentType?: string } = {}): Promise<string> {
    this.pathOf(key)
    const uploadId = randomUUID()
    const dir = this.uploadDir(uploadId)!
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'upload.json'), JSON.stringify({ key, ...(opts.contentType ? { contentType: opts.contentType } : {}) }))
    return uploadId
  }

  /** The upload's folder and what createUpload recorded; MediaUploadNotFoundError when gone or for another key. */
  private async upload(key: string, uploadId: string): Promise<{ dir: string; contentType?: string }> {
    const dir = this.uploadDir(uploadId)
    const recorded = dir ? await readFile(join(dir, 'upload.json'), 'utf8').catch(() => null) : null
    const upload = recorded ? (JSON.parse(recorded) as { key: string; contentType?: string }) : null
    if (!dir || !upload || upload.key !== key) throw new MediaUploadNotFoundError(`no upload ${uploadId} for ${key}`)
    return { dir, ...(upload.contentType ? { contentType: upload.contentType } : {}) }
  }

  async uploadPart(key: string, uploadId: string, n: number, body: ReadableStream<Uint8Array>, opts: { size: number; md5?: string }) {
    let dir: string
    try {
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new RangeError(`part number ${n} is not 1-10000`)
      ;({ dir } = await this.upload(key, uploadId))
    } catch (error) {
      await body.cancel()
      throw error
    }
    try {
      const { etag } = await this.write(join(dir, String(n)), chunksOf(body), { header: {}, expect: opts, makeParent: false })
      return { etag }
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new MediaUploadNotFoundError(`upload ${uploadId} was aborted`, { cause: error })
      throw error
    }
  }

  async completeUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    const { dir, contentType } = await this.upload(key, uploadId)
    const sorted = [...parts].sort((a, b) => a.n - b.n)
    if (!sorted.length || sorted.some((part, i) => i > 0 && part.n === sorted[i - 1]!.n)) throw new RangeError('parts must be listed once each')
    const handles: FileHandle[] = []
    try {
      const sizes: number[] = []
      for (const part of sorted) {
        const handle = await open(join(dir, String(part.n)), 'r').catch(() => null)
        if (!handle) throw new RangeError(`part ${part.n} was not uploaded`)
        handles.push(handle)
        if ((await readHeader(handle)).etag !== part.etag) throw new RangeError(`part ${part.n}: its etag does not match`)
        sizes.push((await handle.stat()).size - HEADER_BYTES)
      }
      // As R2 requires (and S3 for all but the sizes): every part but the last exactly partSize, the last no larger.
      if (sizes.some((size, i) => (i < sizes.length - 1 ? size !== this.partSize : size > this.partSize))) {
        throw new RangeError(`every part but the last must be ${this.partSize} bytes (got ${sizes.join(', ')})`)
      }
      async function* concatenated() {
        for (const handle of handles) yield* handle.createReadStream({ start: HEADER_BYTES, autoClose: false }) as AsyncIterable<Buffer>
      }
      await this.write(this.pathOf(key), concatenated(), { header: contentType ? { contentType } : {} })
    } finally {
      await Promise.all(handles.map((handle) => handle.close()))
    }
    await rm(dir, { recursive: true, force: true })
  }

  async abortUpload(_key: string, uploadId: string): Promise<void> {
    const dir = this.uploadDir(uploadId)
    if (dir) await rm(dir, { recursive: true, force: true })
  }

  async list(prefix: string, opts: { cursor?: string; limit?: number } = {}): Promise<{ keys: string[]; cursor?: string }> {
    const limit = Math.min(opts.limit ?? 1000, 1000)
    const slash = prefix.lastIndexOf('/')
    const base = prefix.slice(0, slash + 1)
    const dir = this.pathOf(prefix.slice(0, slash + 1) || '', true)
    const keys: string[] = []
    // One more than asked: whether more remain decides if a cursor is returned.
    for await (const key of this.walk(dir, base, prefix.slice(slash + 1), opts.cursor)) {
      keys.push(key)
      if (keys.length > limit) break
    }
    if (keys.length <= limit) return { keys }
    keys.length = limit
    return { keys, cursor: keys[limit - 1]! }
  }

  /**
   * The keys under `dir` (whose keys start with `base`) in key order, those starting with `base + start` only, after
   * `cursor`. A folder sorts as its name plus '/', as its keys do ("a-b" < "a/c"); subtrees wholly at or before the
   * cursor are skipped unread.
   */
  private async *walk(dir: string, base: string, start: string, cursor: string | undefined): AsyncIterable<string> {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return
      throw error
    }
    const named = entries
      .filter((entry) => entry.name.startsWith(start) && !(base === '' && entry.name.startsWith('.')))
      .map((entry) => ({ entry, key: base + entry.name + (entry.isDirectory() ? '/' : '') }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    for (const { entry, key } of named) {
      if (entry.isDirectory()) {
        if (cursor !== undefined && cursor >= key && !cursor.startsWith(key)) continue
        yield* this.walk(join(dir, entry.name), key, '', cursor)
      } else if (entry.isFile() && (cursor === undefined || key > cursor)) yield key
    }
  }

  async delete(keys: string[]): Promise<void> {
    const paths = keys.map((key) => this.pathOf(key))
    for (let i = 0; i < paths.length; i += DELETE_CONCURRENCY) {
      await Promise.all(paths.slice(i, i + DELETE_CONCURRENCY).map((path) => this.remove(path)))
    }
  }

  /** Removes a file and then its emptied folders up to the root (a deleted video leaves no folder behind). */
  private async remove(path: string): Promise<void> {
    await unlink(path).catch((error: unknown) => {
      if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'EISDIR' && errorCode(error) !== 'EPERM') throw error
    })
    for (let dir = dirname(path); dir.startsWith(this.root + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir)
      } catch {
        return
      }
    }
  }
}

/** The directory store of the Node runtime: MEDIA_DIR, else `.data/media` under the working directory. */
export function diskMediaStore(dir: string | undefined, partSize?: number): DiskMediaStore {
  return new DiskMediaStore(dir ?? '.data/media', partSize ? { partSize } : {})
}
