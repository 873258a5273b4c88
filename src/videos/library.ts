import type { CreateVideo, UpdateVideo, Video } from './types'

/** Who the library asks about a signed-in user: an operator is listed in ADMIN_EMAILS and has verified that address. */
export interface OperatorCandidate {
  email: string
  profile: { email_verified?: boolean }
}

/** A ready, published video as a player starts it: names relative to the video's folder (`v1/master-r1.m3u8`). */
export interface PlayableVideo {
  videoId: string
  master: string
  mp4: string
  /** A still of the film (JPEG). */
  poster: string
  /** Languages of the audio renditions, and of the subtitle tracks the master lists. */
  audio: string[]
  subtitles: string[]
  /** Seconds. */
  duration: number
  license: string
  credit: string | null
}

/**
 * The video library's use cases (src/videos/service.ts implements them), for the admin API, the admin pages
 * and the CLI. Failures are ApiErrors: not_found (unknown video), validation_failed (422, with details),
 * malformed_request (413/411 body sizes), forbidden (403).
 */
export interface VideoLibrary {
  /** The part size uploads use (the media store's). */
  readonly partSize: number
  isOperator(user: OperatorCandidate): boolean
  /** Every video but those being deleted, newest first. */
  list(): Promise<Video[]>
  /** The video, or null when unknown. */
  get(id: string): Promise<Video | null>
  /** Starts an upload: 201 `Video` with status `uploading`. 422 past MAX_UPLOAD_BYTES or with 3 uploads under way. */
  create(operatorId: string, input: CreateVideo): Promise<Video>
  /** Stores part `n` (streamed, `size` bytes from Content-Length); repeating a part replaces it. */
  putPart(id: string, n: number, body: ReadableStream<Uint8Array>, opts: { size: number; md5?: string }): Promise<{ part: number; size: number; etag: string }>
  /** All parts present: the upload is joined and the video queued for the transcoder (422 listing missing parts). */
  complete(id: string): Promise<Video>
  /** Aborts an upload under way. */
  cancel(id: string): Promise<void>
  update(id: string, patch: UpdateVideo): Promise<Video>
  /** Stores a subtitle track (SubRip or WebVTT text), as WebVTT. */
  putSubtitles(id: string, lang: string, text: string): Promise<void>
  /** A failed video goes back to the transcoder. */
  retry(id: string): Promise<Video>
  /** Hides the video at once; its objects are removed by a background job (status `deleting`). */
  remove(id: string): Promise<void>
  /** The list and the bytes of every source stored (the admin area's "storage used"), from one read. */
  overview(): Promise<{ videos: Video[]; storage: number }>
}
