import { sourceKey, videoPrefix } from '../media/keys'
import { deletePrefix } from '../media/delete-prefix'
import type { MediaStore } from '../media/store'
import type { VideoStore } from './store'

/** Batches of ≤ 1,000 deletions per run (every 5 minutes), and per video within a run. */
const RUN_BUDGET = 20
const PER_VIDEO_BATCHES = 10

export interface CleanupReport {
  deleted: number
  pending: number
  failed: number
}

/**
 * The deletion job (the drain cron, every 5 minutes): each `deleting` video's upload is aborted and its objects
 * removed in batches of ≤ 1,000 (at most `batches` per video per run), then its row. Never inside a request:
 * a film of 2 h has thousands of segments.
 */
export async function removeDeletedVideos(store: VideoStore, media: MediaStore, budget = RUN_BUDGET): Promise<CleanupReport> {
  const report: CleanupReport = { deleted: 0, pending: 0, failed: 0 }
  let left = budget
  for (const item of await store.list({ consistent: false })) {
    if (item.status !== 'deleting') continue
    // A run does at most `budget` batches in all: many deleted films wait for the next runs, not the notifications.
    if (left <= 0) {
      report.pending++
      continue
    }
    const batches = Math.min(left, PER_VIDEO_BATCHES)
    left -= batches
    try {
      if (item.upload_id) await media.abortUpload(sourceKey(item.id), item.upload_id)
      if (await deletePrefix(media, videoPrefix(item.id), batches)) {
        await store.remove(item.id)
        report.deleted++
      } else report.pending++
    } catch (error) {
      report.failed++
      console.error('video cleanup failed', error instanceof Error ? error.name : 'error')
    }
  }
  return report
}
