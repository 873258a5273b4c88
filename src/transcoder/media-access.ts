import { createReadStream, createWriteStream, statSync } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ladderPrefix, sourceKey } from '../media/keys'
import type { MediaStore } from '../media/store'
import type { MediaAccess } from './job'

/** What a stored output is served as, by extension (the same list the internal media routes accept). */
const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  vtt: 'text/vtt; charset=utf-8',
  jpg: 'image/jpeg',
}

export const outputType = (name: string): string => {
  const type = TYPES[name.split('.').pop() ?? '']
  if (!type) throw new Error(`no content type for output ${name}`)
  return type
}

/**
 * The transcoder beside a Node app (the folder or S3 adapter of src/media/): it reads and writes the media store
 * itself. Files larger than one part go up with the store's multipart protocol.
 */
export function storeMediaAccess(media: MediaStore): MediaAccess {
  return {
    async fetchSource(videoId, path) {
      const object = await media.get(sourceKey(videoId))
      if (!object) throw new Error(`the source of ${videoId} is not in the media store`)
      await pipeline(Readable.fromWeb(object.body as import('node:stream/web').ReadableStream), createWriteStream(path))
    },
    async putOutput(videoId, ladder, relativeKey, path) {
      const key = `${ladderPrefix(videoId, ladder)}${relativeKey}`
      const size = statSync(path).size
      const contentType = outputType(relativeKey)
      if (size <= media.partSize) {
        await media.put(key, Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, { size, contentType })
        return
      }
      const uploadId = await media.createUpload(key, { contentType })
      const parts = []
      for (let n = 1, start = 0; start < size; n++, start += media.partSize) {
        const end = Math.min(size, start + media.partSize) - 1
        const body = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>
        const { etag } = await media.uploadPart(key, uploadId, n, body, { size: end - start + 1 })
        parts.push({ n, etag })
      }
      await media.completeUpload(key, uploadId, parts)
    },
  }
}
