/**
 * The isolate's memory of download checks: a film's download is hundreds of segment requests, and each would
 * otherwise read the record and the video row. An answer (found or not) is reused for GRANT_TTL_MS, so a delete,
 * renewal or video deletion made through another isolate shows within a minute; one made through this isolate
 * drops its entries at once (forgetGrant, forgetAllGrants).
 *
 * Keyed by download, nonce and video: the nonce is the token's, so a download created again (a new token) never
 * meets the previous token's cached refusal.
 */
import type { DownloadableVideo } from '../videos'
import type { DownloadItem } from './keys'

export interface CheckedDownload {
  download: DownloadItem | undefined
  video: DownloadableVideo | null
}

interface Entry extends CheckedDownload {
  at: number
}

export const GRANT_TTL_MS = 60_000
/** Bounded: the oldest entries go first (a Map keeps insertion order). ~1 KB each at most. */
const MAX_ENTRIES = 2_000

const grants = new Map<string, Entry>()

const keyOf = (downloadId: string, nonce: string, videoId: string) => `${downloadId}:${nonce}:${videoId}`

/** What was read for this token within the last minute; undefined when nothing (or too long ago). */
export function rememberedGrant(downloadId: string, nonce: string, videoId: string, now: number): CheckedDownload | undefined {
  const key = keyOf(downloadId, nonce, videoId)
  const entry = grants.get(key)
  if (!entry) return undefined
  if (now - entry.at < GRANT_TTL_MS) return entry
  grants.delete(key)
  return undefined
}

export function rememberGrant(downloadId: string, nonce: string, videoId: string, checked: CheckedDownload, now: number): void {
  const key = keyOf(downloadId, nonce, videoId)
  grants.delete(key)
  while (grants.size >= MAX_ENTRIES) grants.delete(grants.keys().next().value!)
  grants.set(key, { ...checked, at: now })
}

/** A download changed through this isolate (created again, renewed, deleted): its next request reads the record. */
export function forgetGrant(downloadId: string): void {
  const prefix = `${downloadId}:`
  for (const key of grants.keys()) if (key.startsWith(prefix)) grants.delete(key)
}

/** A video changed state through this isolate (deleted, say): every download's next request reads again. */
export function forgetAllGrants(): void {
  grants.clear()
}
