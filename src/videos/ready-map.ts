import type { VideoItem } from './store'

/** What a film's answer says about its video (CONTRACT.md's `MovieDetails.video`). */
export interface FilmVideo {
  duration: number | null
  ready: true
  license: string
  credit: string | null
}

interface ReadyMap {
  byMovie: Map<number, FilmVideo & { video_id: string }>
  /** A short digest of the map's content: part of the page-cache key, so a change reaches anonymous copies. */
  version: string
  readAt: number
  /** Not a fresh read (the read failed, or is late and this is an older map or none): answers built on it are not shared. */
  provisional?: boolean
}

/** How stale the isolate's map may get before a request re-reads it (a new video is at most this late, plus the answer's max-age). */
export const READY_MAP_TTL_MS = 30_000

/** The isolate's map of films with a ready, published video: read from the library at most every 30 s. */
let current: ReadyMap | undefined
let reading: Promise<ReadyMap> | undefined
let readingSince = 0
const READ_GIVE_UP_MS = 10_000
let invalidated = false

/** The newest ready, published video of each film (a new upload replaces the shown one only once it is ready). */
export function buildReadyMap(items: readonly VideoItem[], now = Date.now()): ReadyMap {
  const byMovie = new Map<number, FilmVideo & { video_id: string; ready_at: string }>()
  for (const item of items) {
    if (item.status !== 'ready' || !item.published) continue
    const shown = byMovie.get(item.movie_id)
    const readyAt = item.ready_at ?? item.updated_at
    if (shown && shown.ready_at >= readyAt) continue
    byMovie.set(item.movie_id, { video_id: item.id, ready_at: readyAt, duration: item.duration ?? null, ready: true, license: item.license, credit: item.credit ?? null })
  }
  const signature = [...byMovie.entries()]
    .sort(([a], [b]) => a - b)
    .map(([movie, v]) => JSON.stringify([movie, v.video_id, v.duration, v.license, v.credit]))
    .join(',')
  return { byMovie, version: digest(signature), readAt: now }
}

/** FNV-1a, base 36: short, stable across isolates for the same content. */
function digest(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  return hash.toString(36)
}

/**
 * The map, re-read when older than READY_MAP_TTL_MS or after a change in this isolate. A failed read leaves
 * the previous map (or an empty one): a film's answer then says `video: null`, never a 5xx.
 */
export async function readyVideos(load: () => Promise<VideoItem[]>, now = Date.now()): Promise<ReadyMap> {
  if (current && !invalidated && now - current.readAt < READY_MAP_TTL_MS) return current
  // A read started by a request that was cancelled may never settle in workerd: past READ_GIVE_UP_MS, read again.
  // After a change in this isolate, a read already under way may predate it: start one that does not.
  if (!reading || invalidated || now - readingSince > READ_GIVE_UP_MS) {
    readingSince = now
    const read: Promise<ReadyMap> = load()
      .then((items) => (current = buildReadyMap(items, Date.now())))
      .catch((error: unknown) => {
        console.warn('ready-video map read failed', error instanceof Error ? error.name : 'error')
        // Try again on the next request that comes 5 s later, not on every one.
        return (current = { ...(current ?? buildReadyMap([], now)), readAt: now - READY_MAP_TTL_MS + 5_000, provisional: true })
      })
      .finally(() => {
        if (reading === read) reading = undefined
      })
    reading = read
  }
  invalidated = false
  return reading
}

/**
 * The map within `deadlineMs`: past it, the map this isolate has (maybe older, maybe empty) while the read goes on
 * for the next request. A film's answer never waits on a slow data store.
 */
export async function readyVideosWithin(load: () => Promise<VideoItem[]>, deadlineMs: number): Promise<ReadyMap> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<ReadyMap>((resolve) => {
    timer = setTimeout(() => resolve({ ...(current ?? buildReadyMap([])), provisional: true }), deadlineMs)
  })
  try {
    return await Promise.race([readyVideos(load), late])
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
}

/** A video of this isolate changed state: the next read goes to the library. */
export function invalidateReadyVideos(): void {
  invalidated = true
}

/** The map's version as this isolate knows it ('-' before its first read): for the page-cache key. */
export function readyMapVersion(): string {
  return current?.version ?? '-'
}
