import { sourceKey, videoPrefix } from '../media/keys'
import { deletePrefix, type MediaStore } from '../media/store'
import type { VideoStore } from './store'

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
export async function removeDeletedVideos(store: VideoStore, media: MediaStore, batches = 10): Promise<CleanupReport> {
  const report: CleanupReport = { deleted: 0, pending: 0, failed: 0 }
  for (const item of await store.list({ consistent: false })) {
    if (item.status !== 'deleting') continue
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
