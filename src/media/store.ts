/**
 * The media port: where uploaded sources and their HLS renditions live. Three adapters implement it
 * (an R2 binding on Workers, S3 signed with aws4fetch and a directory on Node); one contract suite
 * (test/support/media-store-contract.ts) runs against each. Keys are built by src/media/keys.ts only,
 * never from user input.
 */

/** A byte range of an object: `offset` onwards, `length` bytes (to the end when absent), or the last `suffix` bytes. */
export type MediaRange = { offset: number; length?: number } | { suffix: number }

export interface MediaObjectInfo {
  size: number
  /** The store's entity tag, without quotes. */
  etag: string
  contentType?: string
}

export interface MediaObject extends MediaObjectInfo {
  body: ReadableStream<Uint8Array>
  /** The bytes `body` holds when a range was asked for (what a 206 answers with); absent: the whole object. */
  range?: { offset: number; length: number }
}

export interface UploadedPart {
  /** From 1. */
  n: number
  etag: string
}

/** Content-MD5 did not match the bytes received (the part is not recorded; the client sends it again). */
export class MediaDigestMismatchError extends Error {
  override name = 'MediaDigestMismatchError'
}

/** A multipart upload the store no longer knows (completed, aborted, or expired). */
export class MediaUploadNotFoundError extends Error {
  override name = 'MediaUploadNotFoundError'
}

/**
 * Keys are paths ('/'-separated, no empty, '.' or '..' segment); a key is never also the folder of other keys
 * (`a` beside `a/b`), because the directory adapter stores keys as files and folders.
 */
/** The store did not answer, or failed on its side (an R2 or S3 outage, a full disk): a 503, never a 500. */
export class MediaUnavailableError extends Error {
  override name = 'MediaUnavailableError'
}

/** The port's own outcomes: anything else an adapter throws is the store failing. */
const EXPECTED = [MediaDigestMismatchError, MediaUploadNotFoundError, RangeError, TypeError] as const

/**
 * The store with its failures said in the port's terms: an adapter's own error (a binding's, a network's, the file
 * system's) becomes MediaUnavailableError, which the app answers 503 with Retry-After.
 */
export function guardedMediaStore(store: MediaStore): MediaStore {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args)
      } catch (error) {
        if (EXPECTED.some((type) => error instanceof type)) throw error
        throw new MediaUnavailableError(`${store.kind} media store failed`, { cause: error })
      }
    }
  return {
    kind: store.kind,
    partSize: store.partSize,
    head: guard((key) => store.head(key)),
    get: guard((key, range) => store.get(key, range)),
    put: guard((key, body, opts) => store.put(key, body, opts)),
    createUpload: guard((key, opts) => store.createUpload(key, opts)),
    uploadPart: guard((key, uploadId, n, body, opts) => store.uploadPart(key, uploadId, n, body, opts)),
    completeUpload: guard((key, uploadId, parts) => store.completeUpload(key, uploadId, parts)),
    abortUpload: guard((key, uploadId) => store.abortUpload(key, uploadId)),
    list: guard((prefix, opts) => store.list(prefix, opts)),
    delete: guard((keys) => store.delete(keys)),
  }
}

export interface MediaStore {
  /** Which adapter this is ('r2' | 's3' | 'disk'): for logs and the admin area's storage line. */
  readonly kind: string
  /**
   * The size of every part of a multipart upload but the last (which may be smaller), in bytes: at least
   * 5 MiB for R2 and S3, at most 95 MB (Workers cap request bodies at 100 MB).
   */
  readonly partSize: number
  head(key: string): Promise<MediaObjectInfo | null>
  /**
   * The object (or the part of it `range` names), streamed; null when absent. A range running past the end is cut
   * there and a suffix longer than the object is all of it; a range starting at or past the end (so any range of an
   * empty object) or a suffix of 0 throws RangeError.
   */
  get(key: string, range?: MediaRange): Promise<MediaObject | null>
  /**
   * Stores a whole object (≤ partSize for streamed bodies: larger objects use the part protocol). A streamed body
   * needs `size`: R2 and S3 take only streams of known length.
   */
  put(key: string, body: ReadableStream<Uint8Array> | Uint8Array | string, opts: { size?: number; contentType?: string }): Promise<{ etag: string }>
  /** Starts a multipart upload to `key`; the answer is the store's upload id (kept by the app, never shown). */
  createUpload(key: string, opts?: { contentType?: string }): Promise<string>
  /**
   * Stores part `n` (from 1) of size `size`, streamed. Repeating a part replaces it. With `md5` (base64, as
   * Content-MD5 carries it) the bytes are checked: MediaDigestMismatchError when they differ.
   */
  uploadPart(key: string, uploadId: string, n: number, body: ReadableStream<Uint8Array>, opts: { size: number; md5?: string }): Promise<{ etag: string }>
  /** Joins the parts, in `n` order, into the object at `key`. */
  completeUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void>
  /** Drops an upload and its parts; an unknown upload is not an error. */
  abortUpload(key: string, uploadId: string): Promise<void>
  /** Up to `limit` (≤ 1,000) keys under `prefix`, in key order, from after `cursor`; `cursor` is set when more remain. */
  list(prefix: string, opts?: { cursor?: string; limit?: number }): Promise<{ keys: string[]; cursor?: string }>
  /** Deletes up to 1,000 keys at once; absent keys are fine. */
  delete(keys: string[]): Promise<void>
}

/** The largest batch `list` and `delete` take. */
export const MEDIA_BATCH = 1000
