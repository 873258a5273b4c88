import {
  MediaDigestMismatchError,
  MediaUploadNotFoundError,
  type MediaObject,
  type MediaObjectInfo,
  type MediaRange,
  type MediaStore,
  type UploadedPart,
} from '../media/store'

/**
 * The media store on Workers: an R2 bucket binding (`MEDIA` in wrangler.toml). R2 does the ranges, multipart and
 * listing itself; what it lacks, this adds: a Content-MD5 check on parts (R2's uploadPart takes no MD5, so the
 * bytes are hashed on the way through) and the port's error types.
 */

/** Parts of 64 MiB: a 2-hour film is ~150 parts, each well under the Workers request-body cap (100 MB). */
export const R2_PART_SIZE = 64 * 2 ** 20

/** R2's error codes, as its binding puts them at the end of a message: "uploadPart: … (10024)". */
const NO_SUCH_UPLOAD = 10024
const INVALID_RANGE = 10039

function r2Code(error: unknown): number | undefined {
  const match = error instanceof Error ? /\((\d{5})\)\s*$/.exec(error.message) : null
  return match ? Number(match[1]) : undefined
}

/** Runs an R2 call, turning "no such upload" into the port's MediaUploadNotFoundError. */
async function onUpload<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (r2Code(error) === NO_SUCH_UPLOAD) throw new MediaUploadNotFoundError('the multipart upload is no longer known', { cause: error })
    throw error
  }
}

/** The bytes a range names in an object of `size` bytes (R2 has answered, so the range is satisfiable). */
function resolved(range: MediaRange, size: number): { offset: number; length: number } {
  if ('suffix' in range) {
    const length = Math.min(range.suffix, size)
    return { offset: size - length, length }
  }
  return { offset: range.offset, length: Math.min(range.length ?? size - range.offset, size - range.offset) }
}

/** The 16 bytes a Content-MD5 value (base64) carries; null when it is not one. */
function md5Bytes(base64: string): Uint8Array | null {
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
    return bytes.length === 16 ? bytes : null
  } catch {
    return null
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

/** A stream R2 accepts: one whose length workerd knows (a FixedLengthStream of `size`). */
function knownLength(body: ReadableStream<Uint8Array>, size: number): { stream: ReadableStream; piped: Promise<void> } {
  const fixed = new FixedLengthStream(size)
  return { stream: fixed.readable, piped: body.pipeTo(fixed.writable) }
}

export function r2MediaStore(bucket: R2Bucket, options: { partSize?: number } = {}): MediaStore {
  const info = (object: R2Object): MediaObjectInfo => ({
    size: object.size,
    etag: object.etag,
    ...(object.httpMetadata?.contentType ? { contentType: object.httpMetadata.contentType } : {}),
  })

  return {
    kind: 'r2',
    partSize: options.partSize ?? R2_PART_SIZE,

    async head(key) {
      const object = await bucket.head(key)
      return object ? info(object) : null
    },

    async get(key, range): Promise<MediaObject | null> {
      let object: R2ObjectBody | null
      try {
        object = await bucket.get(key, range ? { range } : {})
      } catch (error) {
        if (r2Code(error) === INVALID_RANGE) throw new RangeError(`range not satisfiable for ${key}`, { cause: error })
        throw error
      }
      if (!object) return null
      return { ...info(object), body: object.body as ReadableStream<Uint8Array>, ...(range ? { range: resolved(range, object.size) } : {}) }
    },

    async put(key, body, opts) {
      let value: ReadableStream | Uint8Array | string = body
      let piped: Promise<void> | undefined
      if (body instanceof ReadableStream) {
        if (opts.size === undefined) throw new TypeError('a streamed put needs its size (R2 takes only streams of known length)')
        ;({ stream: value, piped } = knownLength(body, opts.size))
      }
      const [object] = await Promise.all([
        bucket.put(key, value, opts.contentType ? { httpMetadata: { contentType: opts.contentType } } : {}),
        piped,
      ])
      return { etag: object.etag }
    },

    async createUpload(key, opts) {
      const upload = await bucket.createMultipartUpload(key, opts?.contentType ? { httpMetadata: { contentType: opts.contentType } } : {})
      return upload.uploadId
    },

    async uploadPart(key, uploadId, n, body, { size, md5 }) {
      const expected = md5 === undefined ? undefined : md5Bytes(md5)
      if (expected === null) {
        await body.cancel()
        throw new MediaDigestMismatchError(`part ${n}: Content-MD5 is not a base64 MD5`)
      }
      // With an MD5 to check, one branch of a tee feeds the hash while the other goes to R2.
      let source = body
      let digest: Promise<ArrayBuffer> | undefined
      if (expected) {
        // Hashed on the way through, at R2's pace: a tee would queue in memory whatever R2 has not read yet.
        const hash = new crypto.DigestStream('MD5')
        const hashWriter = hash.getWriter()
        source = body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            async transform(chunk, controller) {
              await hashWriter.write(chunk)
              controller.enqueue(chunk)
            },
            flush: () => hashWriter.close(),
          }),
        )
        digest = hash.digest
      }
      const { stream, piped } = knownLength(source, size)
      // A client that drops the connection fails all three; the first failure is the answer, the others are handled here
      // (an unhandled rejection is logged by workerd as an uncaught exception).
      for (const pending of [piped, digest]) pending?.catch(() => undefined)
      const [part] = await onUpload(() => Promise.all([bucket.resumeMultipartUpload(key, uploadId).uploadPart(n, stream), piped, digest]))
      // R2 has stored the bad bytes under `n` by now; the app records only checked parts, and the client's retry replaces it.
      if (digest && expected && !sameBytes(new Uint8Array(await digest), expected)) {
        throw new MediaDigestMismatchError(`part ${n}: the bytes do not match Content-MD5`)
      }
      return { etag: part.etag }
    },

    async completeUpload(key, uploadId, parts: UploadedPart[]) {
      const sorted = [...parts].sort((a, b) => a.n - b.n).map((part) => ({ partNumber: part.n, etag: part.etag }))
      await onUpload(() => bucket.resumeMultipartUpload(key, uploadId).complete(sorted))
    },

    async abortUpload(key, uploadId) {
      try {
        await bucket.resumeMultipartUpload(key, uploadId).abort()
      } catch (error) {
        if (r2Code(error) !== NO_SUCH_UPLOAD) throw error
      }
    },

    async list(prefix, opts = {}) {
      const listed = await bucket.list({ prefix, limit: opts.limit ?? 1000, ...(opts.cursor ? { cursor: opts.cursor } : {}) })
      return { keys: listed.objects.map((object) => object.key), ...(listed.truncated ? { cursor: listed.cursor } : {}) }
    },

    async delete(keys) {
      if (keys.length) await bucket.delete(keys)
    },
  }
}
