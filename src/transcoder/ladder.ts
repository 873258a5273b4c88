import type { SourceProbe } from './probe'

/**
 * Part of every output key: bump it when a rung, bitrate or encoder setting changes, so new outputs never overwrite
 * (or get mixed up in a cache with) those made by an older ladder.
 */
export const LADDER_VERSION = 1

export interface RungSpec {
  /** the rung's name in "p": the shorter side of its 16:9 box (1080 → 1920×1080, or 1080×1920 for portrait) */
  name: number
  videoKbps: number
  maxrateKbps: number
  bufsizeKbps: number
}

/**
 * The fixed v1 ladder, smallest first (streaming-research.md B.6: between Apple's authoring table and Netflix's old
 * fixed ladder). maxrate is ~7 % over the average and the buffer 1.5 s of it, so segments stay near the average
 * and the BANDWIDTH a player sees is honest.
 */
export const RUNGS: readonly RungSpec[] = [
  { name: 240, videoKbps: 400, maxrateKbps: 430, bufsizeKbps: 600 },
  { name: 360, videoKbps: 800, maxrateKbps: 860, bufsizeKbps: 1200 },
  { name: 480, videoKbps: 1400, maxrateKbps: 1500, bufsizeKbps: 2100 },
  { name: 720, videoKbps: 3000, maxrateKbps: 3210, bufsizeKbps: 4500 },
  { name: 1080, videoKbps: 5000, maxrateKbps: 5350, bufsizeKbps: 7500 },
]

/** Every audio rendition: AAC-LC, 48 kHz, stereo (surround sources are downmixed: one codec every browser plays). */
export const AUDIO_OUTPUT = { bitrateKbps: 128, sampleRate: 48000, channels: 2 } as const

/** Seconds between key frames, the same in every rendition so a player can switch at any segment boundary. */
export const GOP_SECONDS = 2
/** Target HLS segment duration: two GOPs. */
export const SEGMENT_SECONDS = 4

export interface VideoRendition extends RungSpec {
  /** output picture size, both even (yuv420p needs it), aspect ratio of the source as displayed */
  width: number
  height: number
}

export interface AudioRendition {
  /** N in `a<N>`: the stream's position among the source's audio streams */
  ordinal: number
  /** the stream's index in the file */
  sourceIndex: number
  /** ISO 639-1 or 'und' */
  lang: string
}

export interface LadderPlan {
  version: typeof LADDER_VERSION
  /** seconds */
  duration: number
  /** the source's one video stream: its index in the file and its frame rate */
  videoIndex: number
  fps: number
  /** frames between key frames: GOP_SECONDS × fps */
  gop: number
  /** smallest first */
  video: VideoRendition[]
  audio: AudioRendition[]
}

/** The nearest even number, at least 2. */
const even = (value: number): number => Math.max(2, 2 * Math.round(value / 2))
/** The largest even number not above `value`, at least 2: never one pixel more than the source has. */
const evenFloor = (value: number): number => Math.max(2, 2 * Math.floor(value / 2))

/**
 * The source's picture size as displayed (anamorphic pixels widened), then the size of a rung: the picture scaled
 * to fit the rung's 16:9 box (oriented like the source), never enlarged.
 */
function fitInBox(displayWidth: number, displayHeight: number, boxShort: number): { width: number; height: number } {
  const portrait = displayHeight > displayWidth
  const boxLong = even((boxShort * 16) / 9)
  const [long, short] = portrait ? [displayHeight, displayWidth] : [displayWidth, displayHeight]
  const scale = Math.min(1, boxLong / long, boxShort / short)
  const outLong = Math.min(even(long * scale), evenFloor(long))
  const outShort = Math.min(even(short * scale), evenFloor(short))
  return portrait ? { width: outShort, height: outLong } : { width: outLong, height: outShort }
}

/**
 * The renditions for a source that passed checkSource. A rung is made when the source fills its box in either
 * direction, so nothing is upscaled, and a 2.39:1 film of 1920×800 still gets a full-width 1080 rung (1920×800)
 * where a height-only rule would stop at 720. A source smaller than the 240 box gets one rendition at its own
 * size, named by its shorter side, at the 240 rung's bitrates.
 */
export function planLadder(probe: SourceProbe): LadderPlan {
  const source = probe.video[0]
  if (!source) throw new Error('planLadder needs a video stream (run checkSource first)')
  const displayWidth = source.width * (source.sampleAspectRatio ?? 1)
  const displayHeight = source.height
  const long = Math.max(displayWidth, displayHeight)
  const short = Math.min(displayWidth, displayHeight)
  const fits = RUNGS.filter((rung) => short >= rung.name || long >= even((rung.name * 16) / 9))
  const video: VideoRendition[] = fits.map((rung) => ({ ...rung, ...fitInBox(displayWidth, displayHeight, rung.name) }))
  if (video.length === 0) {
    const smallest = RUNGS[0]!
    const size = fitInBox(displayWidth, displayHeight, evenFloor(short))
    video.push({ ...smallest, name: Math.min(size.width, size.height), ...size })
  }
  // An unknown frame rate still needs a GOP length: the forced key frames every 2 s keep the renditions aligned.
  const fps = source.fps > 0 ? source.fps : 25
  return {
    version: LADDER_VERSION,
    duration: probe.duration,
    videoIndex: source.index,
    fps,
    gop: Math.max(1, Math.round(GOP_SECONDS * fps)),
    video,
    audio: probe.audio.map((stream, ordinal) => ({ ordinal, sourceIndex: stream.index, lang: stream.lang })),
  }
}

/** The progressive MP4's rendition: the largest one of at most 480p (the only one for a tiny source). */
export function mp4Rendition(plan: LadderPlan): VideoRendition {
  return [...plan.video].reverse().find((rung) => rung.name <= 480) ?? plan.video[0]!
}

/** The poster's size: the largest rendition of at most 720p. */
export function posterRendition(plan: LadderPlan): VideoRendition {
  return [...plan.video].reverse().find((rung) => rung.name <= 720) ?? plan.video[0]!
}
