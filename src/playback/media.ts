/**
 * Serving a video's bytes to players (`GET /media/t/<token>/<videoId>/<name>`), runtime-free: the route checks the
 * token, this answers from the edge copy or the media store.
 *
 * - Playlists change only by new names (a master per revision), segments never: the browser may keep playlists a
 *   minute and everything else a year, privately (the URL carries a token, so no shared cache may keep it).
 * - The platform's media cache keeps one copy per object under a token-free key, for every viewer. It stores a copy
 *   marked `public` (the Cache API refuses `private`), written before the answer goes out, so the next request for
 *   the object finds it. Ranges are always answered from the store (the Cache API refuses 206), and the progressive
 *   MP4 is never copied (hundreds of MB; players ask it in ranges anyway).
 */
import type { MediaCache } from '../platform'
import { playerObjectKey } from '../media/keys'
import { parseRange } from '../media/range'
import type { MediaObject, MediaStore } from '../media/store'

const PLAYLIST_AGE = 60
const IMMUTABLE_AGE = 31_536_000

/** The headers every answer of the media route carries (its middleware sets them), errors included: any origin may play, never with cookies. */
export const MEDIA_CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Range, Accept-Ranges, Content-Length',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'X-Content-Type-Options': 'nosniff',
}

const isPlaylist = (name: string) => name.endsWith('.m3u8')
/** The progressive MP4 sits at the ladder's root (`v1/download.mp4`); init files (`v1/v720/init.mp4`) in a rendition's folder. */
const isProgressive = (name: string) => /^v\d+\/[a-z0-9_-]+\.mp4$/.test(name)

/** The type by name (never the stored one): a rendition's files are video, an audio rendition's (`a<n>/`) audio. */
export function mediaTypeOf(name: string): string {
  const extension = name.slice(name.lastIndexOf('.') + 1)
  if (extension === 'm3u8') return 'application/vnd.apple.mpegurl'
  if (extension === 'vtt') return 'text/vtt; charset=utf-8'
  if (extension === 'jpg') return 'image/jpeg'
  return /\/a\d+\//.test(name) ? 'audio/mp4' : 'video/mp4'
}

const browserPolicy = (name: string) => (isPlaylist(name) ? `private, max-age=${PLAYLIST_AGE}` : `private, max-age=${IMMUTABLE_AGE}, immutable`)
const edgePolicy = (name: string) => (isPlaylist(name) ? `public, max-age=${PLAYLIST_AGE}` : `public, max-age=${IMMUTABLE_AGE}, immutable`)

export interface MediaRequest {
  method: 'GET' | 'HEAD'
  videoId: string
  /** Checked against PLAYER_KEY by the caller. */
  name: string
  range: string | undefined
  ifNoneMatch: string | undefined
  /** The object's token-free key in the media cache (an absolute URL). */
  cacheKey: string
}

export interface MediaDeps {
  store: MediaStore
  cache?: MediaCache
}

/**
 * A media route's answer for `name` of `videoId` once its token is checked (`/media/t/` and `/media/d/`), from the
 * platform's store and edge cache; null when there is no store or no such object (the route's 404). One edge key for
 * every route: a segment watched online and downloaded is one copy.
 */
export function servePlatformMedia(platform: { media?: MediaStore; mediaCache?: MediaCache }, request: Request, videoId: string, name: string): Promise<Response | null> {
  if (!platform.media) return Promise.resolve(null)
  return serveMedia(
    { store: platform.media, ...(platform.mediaCache ? { cache: platform.mediaCache } : {}) },
    {
      method: request.method === 'HEAD' ? 'HEAD' : 'GET',
      videoId,
      name,
      range: request.headers.get('Range') ?? undefined,
      ifNoneMatch: request.headers.get('If-None-Match') ?? undefined,
      cacheKey: `${new URL(request.url).origin}/media/shared/${videoId}/${name}`,
    },
  )
}

/** Null when the store has no such object (the route's 404). */
export async function serveMedia(deps: MediaDeps, request: MediaRequest): Promise<Response | null> {
  const key = playerObjectKey(request.videoId, request.name)
  // The CORS headers are the route's (src/playback/api.ts), on refusals too.
  const headers = { 'Accept-Ranges': 'bytes', 'Content-Type': mediaTypeOf(request.name), 'Cache-Control': browserPolicy(request.name) }
  const asked = parseRange(request.range)
  if (asked.kind !== 'whole') {
    const object = asked.kind === 'one' ? await deps.store.get(key, asked.range).catch(rangeNotSatisfiable) : 'unsatisfiable'
    if (object === 'unsatisfiable') {
      const info = await deps.store.head(key)
      return info ? new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${info.size}` } }) : null
    }
    if (!object) return null
    const { offset, length } = object.range ?? { offset: 0, length: object.size }
    const partial = { ...headers, ETag: `"${object.etag}"`, 'Content-Length': String(length), 'Content-Range': `bytes ${offset}-${offset + length - 1}/${object.size}`, 'X-Media-Cache': 'BYPASS' }
    if (request.method === 'HEAD') await object.body.cancel()
    return new Response(request.method === 'HEAD' ? null : object.body, { status: 206, headers: partial })
  }

  const cacheable = deps.cache && !isProgressive(request.name) && (deps.cache.keeps === 'all' || isPlaylist(request.name))
  if (cacheable) {
    const hit = await deps.cache!.match(request.cacheKey)
    if (hit) {
      // Streamed through as it comes (no copy in the isolate: a 2 MB segment read into memory cost ~2 ms of CPU
      // per hit, `npm run bench:media`); the edge copy carries its length, so the answer keeps its Content-Length.
      const length = hit.headers.get('Content-Length')
      const body = length && hit.body ? hit.body : await hit.arrayBuffer()
      return answer(request, { ...headers, 'X-Media-Cache': 'HIT', ...(length ? { 'Content-Length': length } : {}) }, hit.headers.get('ETag'), body)
    }
  }
  if (request.method === 'HEAD' || request.ifNoneMatch) {
    // Revalidation and HEAD need the entity tag, not the bytes.
    const info = await deps.store.head(key)
    if (!info) return null
    const etag = `"${info.etag}"`
    if (request.method === 'HEAD' || matches(request.ifNoneMatch, etag)) {
      return answer(request, { ...headers, 'X-Media-Cache': cacheable ? 'MISS' : 'BYPASS', 'Content-Length': String(info.size) }, etag, null)
    }
  }
  const object = await deps.store.get(key)
  if (!object) return null
  const etag = `"${object.etag}"`
  if (!cacheable) return answer(request, { ...headers, 'X-Media-Cache': 'BYPASS', 'Content-Length': String(object.size) }, etag, object.body)
  // One read of the store, two readers: the edge copy is complete before the answer starts, so the next request for
  // the object cannot miss; the viewer's branch waits, buffered, meanwhile.
  const [forCache, forViewer] = object.body.tee()
  const length = String(object.size)
  await deps.cache!.put(request.cacheKey, new Response(forCache, { headers: { 'Content-Type': headers['Content-Type'], 'Content-Length': length, 'Cache-Control': edgePolicy(request.name), ETag: etag } }))
  return answer(request, { ...headers, 'X-Media-Cache': 'MISS', 'Content-Length': length }, etag, forViewer)
}

const rangeNotSatisfiable = (error: unknown): 'unsatisfiable' => {
  if (error instanceof RangeError) return 'unsatisfiable'
  throw error
}

/** `If-None-Match: "a", "b"` or `*` against the object's tag (weak tags compare equal, RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  const strip = (tag: string) => tag.trim().replace(/^W\//, '')
  return header.trim() === '*' || header.split(',').some((tag) => strip(tag) === strip(etag))
}

function answer(request: MediaRequest, headers: Record<string, string>, etag: string | null, body: MediaObject['body'] | ArrayBuffer | null): Response {
  const tagged = etag ? { ...headers, ETag: etag } : headers
  if (etag && matches(request.ifNoneMatch, etag)) {
    if (body instanceof ReadableStream) void body.cancel()
    const { 'Content-Length': _length, ...rest } = tagged
    return new Response(null, { status: 304, headers: rest })
  }
  const sized = body instanceof ArrayBuffer ? { ...tagged, 'Content-Length': String(body.byteLength) } : tagged
  if (request.method === 'HEAD') {
    if (body instanceof ReadableStream) void body.cancel()
    return new Response(null, { status: 200, headers: sized })
  }
  return new Response(body, { status: 200, headers: sized })
}
