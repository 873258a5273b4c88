import { z } from 'zod'
import { toIso6391 } from './languages'
import type { TranscodeLimits } from './limits'

/**
 * What ffprobe says about an uploaded source, reduced to what the transcoder decides on. Nothing from the file
 * passes through as text but codec and container names: languages are mapped to ISO 639-1 here, titles dropped.
 */
export interface SourceProbe {
  /** ffprobe's `format_name`, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm" */
  container: string
  /** seconds; 0 when the file does not say */
  duration: number
  /** bytes */
  size: number
  video: ProbedVideo[]
  audio: ProbedAudio[]
  subtitles: ProbedSubtitle[]
}

export interface ProbedVideo {
  /** the stream's index in the file (`-map 0:<index>`) */
  index: number
  codec: string
  /** as displayed: a phone video stored 1920×1080 with a 90° rotation is 1080 wide and 1920 high */
  width: number
  height: number
  /** frames per second (avg_frame_rate, else r_frame_rate); 0 when unknown */
  fps: number
  pix_fmt?: string
  /** a pixel's width over its height as displayed (anamorphic DVD: 32/27); absent for square pixels */
  sampleAspectRatio?: number
}

export interface ProbedAudio {
  index: number
  codec: string
  channels: number
  /** ISO 639-1 or 'und' */
  lang: string
}

export interface ProbedSubtitle {
  index: number
  codec: string
  /** ISO 639-1 or 'und' */
  lang: string
}

/**
 * The demuxers we accept, as ffprobe names them. Anything else is refused, above all the demuxers that open other
 * files or URLs (hls, concat, image2 sequences, lavfi) or read any bytes as a picture (tty): that is how an upload
 * would make ffmpeg read the server's files or call a network address.
 */
export const ACCEPTED_CONTAINERS: ReadonlyArray<ReadonlyArray<string>> = [
  ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2'],
  ['matroska', 'webm'],
]

/** Why a source is refused: stored as the video's `error`. */
export type SourceFailure =
  | 'unsupported container'
  | 'no video stream'
  | 'more than one video stream'
  | 'unknown duration'
  | 'too long'
  | 'too large a picture'
  | 'too high a frame rate'
  | 'too many audio streams'
  | 'too many subtitle streams'
  | 'too large a file'

const streamSchema = z.object({
  index: z.number().int().nonnegative(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  pix_fmt: z.string().optional(),
  sample_aspect_ratio: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  channels: z.number().int().optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).optional(),
  tags: z.object({ language: z.string().optional(), rotate: z.string().optional() }).optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() })).optional(),
})

const probeSchema = z.object({
  format: z.object({ format_name: z.string(), duration: z.string().optional(), size: z.string().optional() }),
  streams: z.array(streamSchema).default([]),
})

type RawStream = z.infer<typeof streamSchema>

/** "30000/1001" → 29.97; "0/0", "N/A" or nonsense → 0. */
function ratio(text: string | undefined, separator: string): number {
  const [num, den] = (text ?? '').split(separator).map(Number)
  return num !== undefined && den !== undefined && num > 0 && den > 0 && Number.isFinite(num / den) ? num / den : 0
}

function positiveOrZero(text: string | undefined): number {
  const value = Number(text)
  return Number.isFinite(value) && value > 0 ? value : 0
}

/** Whether the picture is stored sideways (phones record landscape and flag the rotation). */
function quarterTurned(stream: RawStream): boolean {
  const rotation = stream.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ?? Number(stream.tags?.rotate ?? 0)
  return Math.abs(Math.round(rotation)) % 180 === 90
}

function toVideo(stream: RawStream): ProbedVideo {
  const sideways = quarterTurned(stream)
  const storedSar = ratio(stream.sample_aspect_ratio, ':')
  // ffmpeg rotates the decoded frames before our filters, so everything downstream sees the displayed shape.
  const sar = storedSar > 0 && storedSar !== 1 ? (sideways ? 1 / storedSar : storedSar) : undefined
  const video: ProbedVideo = {
    index: stream.index,
    codec: stream.codec_name ?? '',
    width: (sideways ? stream.height : stream.width) ?? 0,
    height: (sideways ? stream.width : stream.height) ?? 0,
    fps: ratio(stream.avg_frame_rate, '/') || ratio(stream.r_frame_rate, '/'),
  }
  if (stream.pix_fmt) video.pix_fmt = stream.pix_fmt
  if (sar !== undefined) video.sampleAspectRatio = sar
  return video
}

/**
 * Reads the output of `ffprobe -print_format json -show_format -show_streams`; throws when it is not that (ffprobe
 * prints `{}` for a file it cannot open). Cover art (an attached picture) is not a video stream, nor is a video
 * stream without a picture size.
 */
export function parseProbe(stdout: string): SourceProbe {
  let json: unknown
  try {
    json = JSON.parse(stdout)
  } catch {
    throw new Error('ffprobe did not print JSON')
  }
  const parsed = probeSchema.safeParse(json)
  if (!parsed.success) throw new Error(`unexpected ffprobe output: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  const { format, streams } = parsed.data
  const ofType = (type: string) => streams.filter((stream) => stream.codec_type === type)
  return {
    container: format.format_name,
    duration: positiveOrZero(format.duration),
    size: positiveOrZero(format.size),
    video: ofType('video')
      .filter((stream) => stream.disposition?.attached_pic !== 1)
      .map(toVideo)
      .filter((video) => video.width > 0 && video.height > 0),
    audio: ofType('audio').map((stream) => ({
      index: stream.index,
      codec: stream.codec_name ?? '',
      channels: stream.channels ?? 0,
      lang: toIso6391(stream.tags?.language),
    })),
    subtitles: ofType('subtitle').map((stream) => ({ index: stream.index, codec: stream.codec_name ?? '', lang: toIso6391(stream.tags?.language) })),
  }
}

function acceptedContainer(formatName: string): boolean {
  const names = formatName.split(',')
  return ACCEPTED_CONTAINERS.some((family) => family.length === names.length && family.every((name, i) => names[i] === name))
}

/**
 * Null when the source may be transcoded, else the reason it is refused. Sizes are compared by their longer and
 * shorter sides, so a portrait video has the same bounds as its landscape twin. Frame rates get 1 % of slack:
 * variable-rate phone videos average a little over their nominal 60.
 */
export function checkSource(probe: SourceProbe, limits: TranscodeLimits): SourceFailure | null {
  if (!acceptedContainer(probe.container)) return 'unsupported container'
  if (probe.video.length === 0) return 'no video stream'
  if (probe.video.length > 1) return 'more than one video stream'
  if (!(probe.duration > 0)) return 'unknown duration'
  if (probe.duration > limits.maxDurationSeconds) return 'too long'
  const video = probe.video[0]!
  if (Math.max(video.width, video.height) > limits.maxWidth || Math.min(video.width, video.height) > limits.maxHeight) return 'too large a picture'
  if (video.fps > limits.maxFps * 1.01) return 'too high a frame rate'
  if (probe.audio.length > limits.maxAudio) return 'too many audio streams'
  if (probe.subtitles.length > limits.maxSubtitles) return 'too many subtitle streams'
  if (probe.size > limits.maxSourceBytes) return 'too large a file'
  return null
}
