import type { Catalog } from '../catalog/types'
import type { Config } from '../config'
import type { Outbox } from '../events/outbox'
import { events } from '../events/schema'
import { ApiError, errors } from '../http/errors'
import { ladderPrefix, sourceKey, subtitleKey } from '../media/keys'
import { MediaDigestMismatchError, MediaUploadNotFoundError, type MediaStore } from '../media/store'
import { removeDeletedVideos, type CleanupReport } from './cleanup'
import { newVideoId, videoKey } from './keys'
import type { OperatorCandidate, PlayableVideo, VideoLibrary } from './library'
import { partPlan, toVideo } from './shape'
import { VideoStateError, TooManyUploadsError, type VideoItem, type VideoStore } from './store'
import { readyVideosWithin, type FilmVideo } from './ready-map'
import { playableOf, shownVideoRow } from './playable'
import { downloadableOf, type DownloadableVideo } from './downloadable'
import { toWebVtt } from './subtitles'
import { TranscodeJobs } from './transcode-jobs'
import { MAX_UPLOADING_PER_OPERATOR, type CreateVideo, type UpdateVideo, type Video, type VideoStatus } from './types'

export interface VideoServiceDeps {
  store: VideoStore
  /** Absent where no media store is configured: every use answers 503. */
  media: MediaStore | undefined
  outbox: Outbox
  catalog: Catalog
  config: Pick<Config, 'adminEmails' | 'MAX_UPLOAD_BYTES'>
  /** A video of this isolate changed state: the ready-video map re-reads at once (src/videos/ready-map.ts). */
  onChanged?: () => void
  /** How long a film's answer waits for the ready-video map (FILM_VIDEO_DEADLINE_MS; RENDER_DEADLINE_MS in tests). */
  deadlineMs?: number
}

/** The most parts a multipart upload may have (R2's and S3's limit). */
const MAX_PARTS = 10_000

/** A film's answer waits this long for a stale ready-video map, then goes out with the one it has. */
export const FILM_VIDEO_DEADLINE_MS = 250

const invalid = (path: string, key: Parameters<typeof errors.validation>[0][number]['message']['key'], params?: Record<string, string | number>) =>
  errors.validation([{ path, message: params ? { key, params } : { key } }])

const wrongState = (status: VideoStatus) => invalid('status', 'validation.videoState', { status })

/** The video library's use cases (the VideoLibrary port); see src/videos/library.ts. */
export class VideoService implements VideoLibrary {
  constructor(private readonly deps: VideoServiceDeps) {}
  /** This request's reads of a film's shown video (src/videos/playable.ts): one, however many ask. */
  private readonly shown = new Map<number, Promise<VideoItem | null>>()

  get partSize(): number {
    return this.media().partSize
  }

  isOperator(user: OperatorCandidate): boolean {
    return user.profile.email_verified === true && this.deps.config.adminEmails.has(user.email.toLowerCase())
  }

  async list(): Promise<Video[]> {
    return (await this.deps.store.list()).filter((item) => item.status !== 'deleting').map(toVideo)
  }

  async get(id: string): Promise<Video | null> {
    const item = await this.deps.store.get(id)
    return item ? toVideo(item) : null
  }

  async create(operatorId: string, input: CreateVideo): Promise<Video> {
    if (input.size > this.deps.config.MAX_UPLOAD_BYTES) throw invalid('size', 'validation.atMost', { max: this.deps.config.MAX_UPLOAD_BYTES })
    const media = this.media()
    // R2 and S3 join at most 10,000 parts.
    if (partPlan(input.size, media.partSize).count > MAX_PARTS) throw invalid('size', 'validation.atMost', { max: MAX_PARTS * media.partSize })
    if (!(await this.deps.catalog.details(input.movie_id))) throw errors.movieNotFound()
    const id = newVideoId()
    const now = new Date().toISOString()
    const uploadId = await media.createUpload(sourceKey(id), { contentType: 'application/octet-stream' })
    const item: VideoItem = {
      ...videoKey(id),
      entity: 'video',
      id,
      movie_id: input.movie_id,
      label: input.label || null,
      license: input.license,
      credit: input.credit || null,
      published: true,
      size: input.size,
      part_size: media.partSize,
      parts: {},
      upload_id: uploadId,
      status: 'uploading',
      progress: 0,
      error: null,
      duration: null,
      renditions: [],
      audio: [],
      subtitles: [],
      ladder: 0,
      attempt: 0,
      created_by: operatorId,
      created_at: now,
      updated_at: now,
    }
    try {
      await this.deps.store.create(item).catch(async (error: unknown) => {
        // The count is a cache of the operator's `uploading` rows: recount once, in case it drifted, and try again.
        if (!(error instanceof TooManyUploadsError) || !(await this.deps.store.recountUploading(operatorId))) throw error
        await this.deps.store.create(item)
      })
    } catch (error) {
      await media.abortUpload(sourceKey(id), uploadId).catch(() => undefined)
      if (error instanceof TooManyUploadsError) throw invalid('size', 'validation.videoUploadsUnderWay', { max: MAX_UPLOADING_PER_OPERATOR })
      throw error
    }
    return toVideo(item)
  }

  async putPart(id: string, n: number, body: ReadableStream<Uint8Array>, opts: { size: number; md5?: string }): Promise<{ part: number; size: number; etag: string }> {
    const item = await this.require(id)
    if (item.status !== 'uploading' || !item.upload_id) throw wrongState(item.status)
    const { count, lastSize } = partPlan(item.size, item.part_size)
    if (n > count) throw invalid('n', 'validation.videoPartNumber', { max: count })
    if (n < count && opts.size !== item.part_size) throw invalid(`parts/${n}`, 'validation.videoPartSize', { size: item.part_size })
    if (n === count && opts.size !== lastSize) throw invalid(`parts/${n}`, 'validation.videoLastPart', { size: lastSize })
    let etag: string
    try {
      ;({ etag } = await this.media().uploadPart(sourceKey(id), item.upload_id, n, body, opts))
    } catch (error) {
      if (error instanceof MediaDigestMismatchError) {
        // The store may hold the bad bytes under `n` now (R2 checks after storing): the part is missing until sent again.
        await this.deps.store.forgetPart(id, n)
        throw invalid('Content-MD5', 'validation.videoDigest')
      }
      if (error instanceof MediaUploadNotFoundError) throw wrongState(item.status)
      throw error
    }
    await this.state(() => this.deps.store.recordPart(id, n, { size: opts.size, etag }), id)
    return { part: n, size: opts.size, etag }
  }

  async complete(id: string): Promise<Video> {
    const item = await this.require(id)
    if (item.status === 'queued' || item.status === 'transcoding' || item.status === 'ready') return toVideo(item) // done already
    if (item.status !== 'uploading' || !item.upload_id) throw wrongState(item.status)
    const { count } = partPlan(item.size, item.part_size)
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !item.parts[String(n)])
    if (missing.length) throw invalid('parts', 'validation.videoPartsMissing', { parts: missing.join(', ') })
    const total = Object.values(item.parts).reduce((sum, part) => sum + part.size, 0)
    if (total !== item.size) throw invalid('parts', 'validation.videoPartsTotal', { total, size: item.size })
    const parts = Array.from({ length: count }, (_, i) => ({ n: i + 1, etag: item.parts[String(i + 1)]!.etag }))
    try {
      await this.media().completeUpload(sourceKey(id), item.upload_id, parts)
    } catch (error) {
      // Completed by an earlier call whose row update failed: the joined source is there, go on.
      const joined = error instanceof MediaUploadNotFoundError ? await this.media().head(sourceKey(id)) : null
      if (joined?.size !== item.size) {
        // Cancelled meanwhile: answer with the state the video is in now.
        const now = await this.deps.store.get(id)
        if (error instanceof MediaUploadNotFoundError && now && now.status !== 'uploading') throw wrongState(now.status)
        throw error
      }
    }
    const staged = this.deps.outbox.stage(events.videoUploaded(item.created_by ?? 'operator', id, 1, 1))
    await this.state(
      () =>
        this.deps.store.transition(id, ['uploading'], 'queued', {
          set: { ladder: 1, attempt: 1, progress: 0, queued_at: new Date().toISOString() },
          remove: ['upload_id'],
          extra: [...this.deps.store.leaveUploading(item.created_by), ...staged.writes],
        }),
      id,
    )
    staged.release()
    return toVideo((await this.deps.store.get(id))!)
  }

  async cancel(id: string): Promise<void> {
    const item = await this.deps.store.get(id)
    if (!item || item.status === 'deleting') return // cancelled (or deleted) already
    if (item.status !== 'uploading') throw wrongState(item.status)
    if (item.upload_id) await this.media().abortUpload(sourceKey(id), item.upload_id)
    // Conditional on `uploading`: a complete or a second cancel that won the race leaves this one a 422 or a no-op.
    // The row goes as a deleted video does (the cleanup job empties its prefix, then removes it).
    await this.state(() => this.deps.store.transition(id, ['uploading'], 'deleting', { set: { published: false }, remove: ['upload_id'], extra: this.deps.store.leaveUploading(item.created_by) }), id).catch(
      async (error: unknown) => {
        if ((await this.deps.store.get(id))?.status !== 'deleting') throw error
      },
    )
  }

  async update(id: string, patch: UpdateVideo): Promise<Video> {
    await this.require(id)
    const fields = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined))
    const item = await this.state(() => this.deps.store.setFields(id, fields), id)
    this.deps.onChanged?.() // published, licence and credit are in a film's answer
    return toVideo(item)
  }

  async putSubtitles(id: string, lang: string, text: string): Promise<void> {
    const item = await this.require(id)
    if (item.status === 'deleting') throw wrongState(item.status)
    const vtt = toWebVtt(text)
    if (!vtt) throw invalid('body', 'validation.subtitleFormat')
    const ladder = Math.max(1, item.ladder ?? 1)
    const key = subtitleKey(id, ladder, lang, await contentHash(vtt))
    await this.media().put(key, vtt, { contentType: 'text/vtt; charset=utf-8' })
    await this.state(() => this.deps.store.setSubtitleFile(id, lang, key.slice(ladderPrefix(id, ladder).length)), id)
    // A ready video's playlists gain the track now; one still transcoding gets it from the transcoder's master.
    await new TranscodeJobs({ store: this.deps.store, outbox: this.deps.outbox, media: this.media() }).refreshMaster(id)
  }

  async retry(id: string): Promise<Video> {
    const item = await this.require(id)
    if (item.status !== 'failed') throw wrongState(item.status)
    const attempt = (item.attempt ?? 1) + 1
    const ladder = Math.max(1, item.ladder ?? 1)
    const staged = this.deps.outbox.stage(events.videoUploaded(item.created_by ?? 'operator', id, ladder, attempt))
    await this.state(() => this.deps.store.transition(id, ['failed'], 'queued', { set: { attempt, progress: 0, error: null, queued_at: new Date().toISOString() }, extra: staged.writes }), id)
    staged.release()
    return toVideo((await this.deps.store.get(id))!)
  }

  async remove(id: string): Promise<void> {
    const item = await this.deps.store.get(id)
    if (!item || item.status === 'deleting') return
    const leaving = item.status === 'uploading' ? this.deps.store.leaveUploading(item.created_by) : []
    // The upload id stays on the row: the deletion job aborts it before it empties the prefix.
    await this.state(() => this.deps.store.transition(id, [item.status], 'deleting', { set: { published: false }, extra: leaving }), id)
    this.deps.onChanged?.()
  }

  /**
   * A film's ready, published video (at most READY_MAP_TTL_MS behind other isolates); null when none or unreadable.
   * `provisional`: the map was not read in time (or the read failed), so the answer must not be shared.
   */
  async filmVideo(movieId: number): Promise<{ video: FilmVideo | null; provisional: boolean }> {
    const map = await readyVideosWithin(() => this.deps.store.listShown(), this.deps.deadlineMs ?? FILM_VIDEO_DEADLINE_MS)
    const video = map.byMovie.get(movieId)
    const answer = video ? { duration: video.duration, ready: true as const, license: video.license, credit: video.credit } : null
    return { video: answer, provisional: map.provisional === true }
  }

  /** A film's video as a player starts it now (src/videos/playable.ts); null: none ready and published. */
  async playable(movieId: number): Promise<PlayableVideo | null> {
    return playableOf(await shownVideoRow(this.deps.store, movieId, this.shown))
  }

  /** A film's ready, published video with its HLS outputs, for downloads (src/videos/downloadable.ts); null: none. */
  async downloadable(movieId: number): Promise<DownloadableVideo | null> {
    return downloadableOf(await shownVideoRow(this.deps.store, movieId, this.shown))
  }

  /** The deletion job's run (the drain cron): nothing to do where no media store is configured. */
  async removeDeleted(): Promise<CleanupReport> {
    return this.deps.media ? removeDeletedVideos(this.deps.store, this.deps.media) : { deleted: 0, pending: 0, failed: 0 }
  }

  /** The admin area's list and the bytes of every source stored (uploads under way apart), from one read of the library. */
  async overview(): Promise<{ videos: Video[]; storage: number }> {
    const items = await this.deps.store.list()
    const storage = items.filter((item) => item.status !== 'uploading').reduce((sum, item) => sum + item.size, 0)
    return { videos: items.filter((item) => item.status !== 'deleting').map(toVideo), storage }
  }

  /** The media store (the internal media routes'); 503 where none is configured. */
  mediaStore(): MediaStore {
    return this.media()
  }

  /** A video the transcoder is working on: its source size and the ladder its outputs go under (`v<ladder>/`); else null. */
  async transcoding(id: string): Promise<{ size: number; ladder: number } | null> {
    const item = await this.deps.store.get(id)
    return item?.status === 'transcoding' ? { size: item.size, ladder: item.ladder } : null
  }

  private media(): MediaStore {
    if (!this.deps.media) throw new ApiError(503, 'upstream_unavailable', { key: 'errors.upstream_unavailable.media' }, undefined, { 'Retry-After': '30' })
    return this.deps.media
  }

  private async require(id: string): Promise<VideoItem> {
    const item = await this.deps.store.get(id)
    if (!item) throw errors.notFound('errors.not_found.video')
    return item
  }

  /** A conditional write lost to another state change: answer with the state the video is in now. */
  private async state<T>(write: () => Promise<T>, id: string): Promise<T> {
    try {
      return await write()
    } catch (error) {
      if (!(error instanceof VideoStateError)) throw error
      const now = await this.deps.store.get(id)
      throw now ? wrongState(now.status) : errors.notFound('errors.not_found.video')
    }
  }
}

/** The first 16 hex digits of the text's SHA-256: a subtitle file's name (its key never changes meaning). */
async function contentHash(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return [...digest.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}
