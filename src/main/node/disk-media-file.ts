import { createHash, randomUUID } from 'node:crypto'
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { MediaDigestMismatchError } from '../../media/store'

/**
 * One file of the directory media store (src/main/node/disk-media.ts), an object or an upload's part: a fixed
 * 512-byte header (its etag and content type) and then its bytes, so one rename commits bytes and metadata together.
 * Every file is written in a temporary folder and renamed into place, so a crash mid-write leaves no half object.
 */

/** The header's size: an object's bytes start here. */
export const HEADER_BYTES = 512
const MAGIC = 'flixpeek-media/1\n'

export type MediaFileHeader = { etag: string; contentType?: string }

export type Bytes = AsyncIterable<Uint8Array> | Iterable<Uint8Array>

/** A failed file system call's code (ENOENT…). */
export const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code

/**
 * A web stream's chunks. Node's web streams are async iterable (workers-types do not say so); leaving the loop early
 * (too many bytes, a failed write) cancels the stream, so the sender learns at once.
 */
export const chunksOf = (stream: ReadableStream<Uint8Array>) => stream as unknown as AsyncIterable<Uint8Array>

function encodeHeader(header: MediaFileHeader): Buffer {
  const text = `${MAGIC}${JSON.stringify(header)}\n`
  if (Buffer.byteLength(text) > HEADER_BYTES) throw new RangeError('content type too long for the media header')
  return Buffer.concat([Buffer.from(text), Buffer.alloc(HEADER_BYTES - Buffer.byteLength(text), 0x20)])
}

export async function readHeader(handle: FileHandle): Promise<MediaFileHeader> {
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEADER_BYTES), 0, HEADER_BYTES, 0)
  const text = buffer.subarray(0, bytesRead).toString()
  if (bytesRead !== HEADER_BYTES || !text.startsWith(MAGIC)) throw new Error('not a media store file (bad header)')
  return JSON.parse(text.slice(MAGIC.length)) as MediaFileHeader
}

export interface MediaFileWrite {
  /** The store's temporary folder (inside its root, so the rename stays on one file system). */
  tmpDir: string
  /** Flush the file to disk before its rename (see DiskMediaStore's `sync`). */
  sync: boolean
  header: Omit<MediaFileHeader, 'etag'>
  /** The byte count and MD5 (base64) the bytes must have, checked before anything becomes visible. */
  expect?: { size?: number; md5?: string }
  /**
   * Make the target's folder when missing (objects). `false` (parts): a missing folder means the upload was aborted
   * meanwhile, and the write fails instead of bringing it back.
   */
  makeParent?: boolean
}

/** Writes `bytes` to a temporary file (header first, filled in once the MD5 is known) and renames it to `target`. */
export async function writeMediaFile(target: string, bytes: Bytes, { tmpDir, sync, header, expect = {}, makeParent = true }: MediaFileWrite) {
  await mkdir(tmpDir, { recursive: true })
  const tmp = join(tmpDir, randomUUID())
  const handle = await open(tmp, 'wx')
  let committed = false
  try {
    const md5 = createHash('md5')
    let size = 0
    for await (const chunk of bytes) {
      if (expect.size !== undefined && size + chunk.length > expect.size) throw new RangeError(`more than the ${expect.size} bytes announced`)
      await handle.write(chunk, 0, chunk.length, HEADER_BYTES + size)
      md5.update(chunk)
      size += chunk.length
    }
    const digest = md5.digest()
    if (expect.size !== undefined && size !== expect.size) throw new RangeError(`expected ${expect.size} bytes, received ${size}`)
    if (expect.md5 !== undefined && digest.toString('base64') !== expect.md5) throw new MediaDigestMismatchError('the bytes do not match Content-MD5')
    const etag = digest.toString('hex')
    await handle.write(encodeHeader({ ...header, etag }), 0, HEADER_BYTES, 0)
    // On disk before the rename, so a power cut cannot leave a renamed but empty file.
    if (sync) await handle.datasync()
    await handle.close()
    for (let attempt = 0; ; attempt++) {
      try {
        if (makeParent) await mkdir(dirname(target), { recursive: true })
        await rename(tmp, target)
        break
      } catch (error) {
        // `a` and `a/b` cannot both be: one would be a file and a folder at once.
        if (['EISDIR', 'ENOTDIR', 'EEXIST', 'ENOTEMPTY'].includes(errorCode(error) ?? '')) {
          throw new TypeError(`${target}: a key of the directory store cannot also be the folder of other keys`, { cause: error })
        }
        // A delete emptied and removed the folder between mkdir and rename: make it again.
        if (errorCode(error) !== 'ENOENT' || !makeParent || attempt >= 2) throw error
      }
    }
    committed = true
    return { etag, size }
  } finally {
    if (!committed) {
      await handle.close().catch(() => {})
      await rm(tmp, { force: true })
    }
  }
}
