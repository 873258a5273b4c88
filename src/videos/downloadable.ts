import type { Key } from '../data/store'
import type { HlsOutputs } from './hls'
import { videoKey } from './keys'
import type { VideoItem } from './store'
import type { VideoStatus } from './types'

/**
 * What downloads (src/downloads/) may know of a video row: its state and its HLS outputs, never the row itself. The
 * download media route reads a download record and the video row in one BatchGetItem, so it needs the row's key and
 * this reading of it; nothing else of src/videos/ leaves the feature.
 */
export interface DownloadableVideo {
  videoId: string
  status: VideoStatus
  published: boolean
  hls: HlsOutputs
  /** The master playlist's revision, and the subtitle files it lists (language → `subtitles/<lang>-<hash>.vtt`). */
  masterRevision: number
  masterSubtitles: Record<string, string>
}

/** The row's key in the table (for a caller's own BatchGetItem). */
export const videoRowKey = (videoId: string): Key => videoKey(videoId)

/** A video row as downloads see it; null when it is not a video row or has no outputs (never transcoded). */
export function downloadableOf(item: Record<string, unknown> | VideoItem | null | undefined): DownloadableVideo | null {
  const row = item as VideoItem | null | undefined
  if (!row || row.entity !== 'video' || !row.hls || !row.master_revision) return null
  return {
    videoId: row.id,
    status: row.status,
    published: row.published,
    hls: row.hls,
    masterRevision: row.master_revision,
    masterSubtitles: row.master_subtitles ?? {},
  }
}
