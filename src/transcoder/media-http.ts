import { createReadStream, createWriteStream, statSync } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { ladderPrefix } from '../media/keys'
import { signMediaRequest } from '../videos/signing'
import type { MediaAccess } from './job'
import { outputType } from './media-access'

/** How long a signature stays good: long enough for one request on a slow link, far inside the 15 minutes allowed. */
const SIGNED_FOR_SECONDS = 5 * 60
/** Parts of larger outputs: S3's and R2's smallest part, far under the 100 MB a Workers request body may be. */
export const HTTP_PART_BYTES = 5 * 1024 * 1024

export interface HttpMediaOptions {
  /** The app's public URL (`npm start`'s, or the deployed hostname). */
  appUrl: string
  /** MEDIA_WRITE_SECRET, the app's own. */
  secret: string
  partBytes?: number
  fetch?: typeof fetch
}

/**
 * A small answer read to its end: cancelling its body instead would close the kept-alive connection under the
 * server's feet (workerd logs a broken pipe for each).
 */
const drained = async (response: Promise<Response>) => void (await (await response).arrayBuffer())

/**
 * The transcoder reaching the media through the app's signed internal routes: under `npm start` only the worker's
 * binding reaches local R2, and a Workers deployment's transcoder holds no R2 credentials. It can read the source
 * and write under the video's ladder folder, nothing else, and only while the video is `transcoding`.
 */
export function httpMediaAccess(options: HttpMediaOptions): MediaAccess & { putText(key: string, text: string): Promise<void> } {
  const send = options.fetch ?? fetch
  const partBytes = options.partBytes ?? HTTP_PART_BYTES
  const signed = async (method: string, path: string, videoId: string, init: RequestInit = {}, extra: Record<string, string> = {}) => {
    const expires = Math.floor(Date.now() / 1000) + SIGNED_FOR_SECONDS
    const headers = { ...(await signMediaRequest(options.secret, method, path, videoId, expires)), ...extra }
    const res = await send(new URL(path, options.appUrl), { ...init, method, headers, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit)
    if (!res.ok) {
      await res.body?.cancel()
      throw new Error(`${method} ${path.replace(/\?.*/, '')} answered ${res.status}`)
    }
    return res
  }
  const outputPath = (videoId: string, ladder: number, name: string) => `/internal/media/${videoId}/v${ladder}/${name}`
  const putFile = async (videoId: string, ladder: number, name: string, file: string) => {
    const size = statSync(file).size
    const path = outputPath(videoId, ladder, name)
    const body = (start: number, end: number) => Readable.toWeb(createReadStream(file, { start, end })) as unknown as BodyInit
    if (size <= partBytes) {
      await drained(signed('PUT', path, videoId, { body: size ? body(0, size - 1) : '' }, { 'Content-Length': String(size) }))
      return
    }
    const { upload_id } = (await (await signed('PUT', `${path}?uploads`, videoId)).json()) as { upload_id: string }
    const parts: { n: number; etag: string }[] = []
    for (let n = 1, start = 0; start < size; n++, start += partBytes) {
      const end = Math.min(size, start + partBytes) - 1
      const query = `?upload_id=${encodeURIComponent(upload_id)}&part=${n}`
      const res = await signed('PUT', `${path}${query}`, videoId, { body: body(start, end) }, { 'Content-Length': String(end - start + 1) })
      parts.push({ n, etag: ((await res.json()) as { etag: string }).etag })
    }
    const complete = JSON.stringify({ parts })
    await drained(signed('PUT', `${path}?upload_id=${encodeURIComponent(upload_id)}&complete`, videoId, { body: complete }, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(complete)) }))
  }
  return {
    async fetchSource(videoId, file) {
      const res = await signed('GET', `/internal/media/${videoId}/source`, videoId)
      await pipeline(Readable.fromWeb(res.body as unknown as NodeReadableStream), createWriteStream(file))
    },
    async putOutput(videoId, ladder, name, file) {
      outputType(name) // refuse a type the app would refuse, before sending anything
      await putFile(videoId, ladder, name, file)
    },
    /** A playlist (the master, a subtitle playlist) at `key`, which must lie in a ladder folder. */
    async putText(key, text) {
      const match = /^videos\/([0-9A-HJKMNP-TV-Z]{26})\/v(\d+)\/(.+)$/.exec(key)
      if (!match || !key.startsWith(ladderPrefix(match[1]!, Number(match[2])))) throw new Error(`the transcoder writes only under a ladder folder, not ${key}`)
      const bytes = Buffer.from(text)
      await drained(signed('PUT', outputPath(match[1]!, Number(match[2]), match[3]!), match[1]!, { body: bytes }, { 'Content-Length': String(bytes.byteLength) }))
    },
  }
}
