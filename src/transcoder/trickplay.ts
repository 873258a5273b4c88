import type { LadderPlan } from './ladder'

/**
 * Seek-bar previews: JPEG sheets of thumbnails (spriteArgs in ffmpeg-args.ts) and a WebVTT index whose cues point
 * at a rectangle of a sheet (`sprite_000.jpg#xywh=x,y,w,h`), the format media-chrome and Jellyfin read.
 */
export interface SpriteLayout {
  /** seconds between thumbnails */
  interval: number
  /** one thumbnail's size in pixels */
  width: number
  height: number
  /** thumbnails per sheet: columns × rows */
  columns: number
  rows: number
}

/** Jellyfin's defaults: 320 px wide, one every 10 s, 10×10 per sheet (a 2 h film: 720 thumbnails on 8 sheets). */
const INTERVAL = 10
const THUMBNAIL_WIDTH = 320
const GRID = 10

/** The sheet layout for a plan: 320 px wide, the height keeping the picture's shape (even, as ffmpeg's scale wants). */
export function spriteLayout(plan: LadderPlan): SpriteLayout {
  const largest = plan.video[plan.video.length - 1]
  if (!largest) throw new Error('spriteLayout needs a video rendition')
  const height = Math.max(2, 2 * Math.round((THUMBNAIL_WIDTH * largest.height) / largest.width / 2))
  return { interval: INTERVAL, width: THUMBNAIL_WIDTH, height, columns: GRID, rows: GRID }
}

/** How many thumbnails ffmpeg's `fps=1/interval:round=up` makes of a video: one per interval begun. */
export function thumbnailCount(durationSeconds: number, interval: number): number {
  return durationSeconds > 0 ? Math.ceil(durationSeconds / interval) : 0
}

/** The name of sheet n, as spriteArgs numbers them (from 0). */
export const spriteName = (sheet: number): string => `sprite_${String(sheet).padStart(3, '0')}.jpg`

/** "HH:MM:SS.mmm": WebVTT wants the hours when a film runs past an hour, and accepts them always. */
function timestamp(seconds: number): string {
  const millis = Math.round(seconds * 1000)
  const hours = Math.floor(millis / 3_600_000)
  const minutes = Math.floor((millis % 3_600_000) / 60_000)
  const secs = Math.floor((millis % 60_000) / 1000)
  const pad = (value: number, size = 2) => String(value).padStart(size, '0')
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}.${pad(millis % 1000, 3)}`
}

/**
 * The WebVTT index of the sheets: thumbnail i covers [i × interval, (i + 1) × interval), the last one ending at the
 * film's end, and sits on sheet ⌊i / (columns × rows)⌋, row by row from the top left. Sheet URLs are relative to
 * the index, so they resolve beside it wherever it is served.
 */
export function thumbnailsVtt(durationSeconds: number, layout: SpriteLayout): string {
  const perSheet = layout.columns * layout.rows
  const cues: string[] = []
  for (let i = 0; i < thumbnailCount(durationSeconds, layout.interval); i++) {
    const start = i * layout.interval
    const end = Math.min(start + layout.interval, durationSeconds)
    const slot = i % perSheet
    const x = (slot % layout.columns) * layout.width
    const y = Math.floor(slot / layout.columns) * layout.height
    cues.push(`${timestamp(start)} --> ${timestamp(end)}\n${spriteName(Math.floor(i / perSheet))}#xywh=${x},${y},${layout.width},${layout.height}\n`)
  }
  return ['WEBVTT\n', ...cues].join('\n')
}
