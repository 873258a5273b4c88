import type { VideoItem } from './store'
import { STALE_QUEUED_MS } from './transcode-jobs'
import type { Video } from './types'

/** The row as the API shows it: parts as a list, internal fields left out. */
export function toVideo(item: VideoItem): Video {
  const parts = Object.entries(item.parts ?? {})
    .map(([n, part]) => ({ n: Number(n), size: part.size, etag: part.etag }))
    .sort((a, b) => a.n - b.n)
  return {
    id: item.id,
    movie_id: item.movie_id,
    label: item.label ?? null,
    license: item.license,
    credit: item.credit ?? null,
    published: item.published,
    size: item.size,
    part_size: item.part_size,
    parts,
    status: item.status,
    progress: item.progress ?? 0,
    error: item.error ?? null,
    duration: item.duration ?? null,
    renditions: item.renditions ?? [],
    audio: item.audio ?? [],
    subtitles: item.subtitles ?? [],
    created_by: item.created_by ?? null,
    created_at: item.created_at,
    updated_at: item.updated_at,
  }
}

/** How many parts a source of `size` bytes takes, and the size each must have. */
export function partPlan(size: number, partSize: number) {
  const count = Math.max(1, Math.ceil(size / partSize))
  return { count, lastSize: size - (count - 1) * partSize }
}

/**
 * A video queued for longer than the transcoder's re-announcement period with no transcoder taking it: none runs, or
 * every one is busy. (A queued row's updated_at is when it was queued: re-announcing it leaves that alone.)
 */
export const waitingForTranscoder = (video: Video, now: number): boolean => video.status === 'queued' && now - Date.parse(video.updated_at) > STALE_QUEUED_MS
