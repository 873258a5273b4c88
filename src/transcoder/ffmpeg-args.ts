import { AUDIO_OUTPUT, GOP_SECONDS, mp4Rendition, posterRendition, SEGMENT_SECONDS, type AudioRendition, type LadderPlan, type VideoRendition } from './ladder'
import { ACCEPTED_CONTAINERS } from './probe'
import { spriteLayout } from './trickplay'

/**
 * Argument vectors for `spawn('ffmpeg', args)` / `spawn('ffprobe', args)`: never a shell string, so no file name
 * is ever parsed by a shell. Every run opens its input the same guarded way (inputArgs).
 */

export interface RunOptions {
  /** absolute path of the source on scratch disk */
  input: string
  /** encoder and decoder threads (the sample videos use 1); ffmpeg's choice when unset */
  threads?: number
}

/**
 * Paths must be absolute: ffmpeg reads `name:` at the start of a path as a protocol, and a leading `/` rules that
 * out. A `%` would be read as a pattern by the HLS and image muxers; a control character has no business in a
 * scratch path.
 */
function checkedPath(path: string, what: string): string {
  if (!path.startsWith('/') || /[%\u0000-\u001f\u007f]/.test(path)) throw new Error(`${what} must be an absolute path without % or control characters: ${JSON.stringify(path)}`)
  return path
}

/** Without a trailing slash, so `${dir}/x` never doubles one. */
const checkedDir = (dir: string, what: string) => checkedPath(dir, what).replace(/\/+$/, '') || '/'

/**
 * Guards for a hostile file: the file and pipe protocols only (an HLS or concat playlist cannot make ffmpeg fetch a
 * URL), and only the accepted demuxers, refused before their header is read (so a playlist renamed .mp4 never
 * gets to open its segments, even local ones). checkSource refuses other containers too: this is the second wall.
 */
const INPUT_GUARDS = ['-protocol_whitelist', 'file,pipe', '-format_whitelist', ACCEPTED_CONTAINERS.map((family) => family.join(',')).join(',')]

/** Quiet, non-interactive, overwriting; progress as key=value lines on stdout (the runner parses `out_time_us`). */
const COMMON = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', '-progress', 'pipe:1']

/** Placed before `-i` it sets the decoder's threads, after it the encoders'. */
const threadArgs = (options: RunOptions) => (options.threads ? ['-threads', String(options.threads)] : [])

function inputArgs(options: RunOptions, seekSeconds?: number): string[] {
  const seek = seekSeconds !== undefined ? ['-ss', seekSeconds.toFixed(3)] : []
  return [...COMMON, ...INPUT_GUARDS, ...threadArgs(options), ...seek, '-i', checkedPath(options.input, 'input')]
}

/** Outputs carry nothing from the source's metadata (titles, GPS position of a phone video, chapters). */
const NO_METADATA = ['-map_metadata', '-1', '-map_chapters', '-1']

/** H.264 High, 8-bit 4:2:0, closed GOPs of exactly GOP_SECONDS: the same key frames in every rendition. */
function x264Args(plan: LadderPlan): string[] {
  return [
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(plan.gop), '-keyint_min', String(plan.gop), '-sc_threshold', '0',
    '-force_key_frames', `expr:gte(t,n_forced*${GOP_SECONDS})`,
  ]
}

const rateArgs = (rung: VideoRendition, specifier: string) => [
  `-b:${specifier}`, `${rung.videoKbps}k`, `-maxrate:${specifier}`, `${rung.maxrateKbps}k`, `-bufsize:${specifier}`, `${rung.bufsizeKbps}k`,
]

const AAC = ['-c:a', 'aac', '-ac', String(AUDIO_OUTPUT.channels), '-ar', String(AUDIO_OUTPUT.sampleRate), '-b:a', `${AUDIO_OUTPUT.bitrateKbps}k`]

/** `scale` to the exact size (never `-2`, whose rounding the caller would have to guess), square pixels. */
const scaleTo = (rung: { width: number; height: number }) => `scale=${rung.width}:${rung.height},setsar=1`

export interface HlsStream {
  kind: 'video' | 'audio'
  /** the directory's name under outDir: `v<rung name>` or `a<N>` */
  name: string
  dir: string
  playlist: string
  init: string
  /** printf pattern of the segment files (`seg_%05d.m4s`, numbered from 0) */
  segments: string
  /** the video rendition, or the audio one */
  rendition: VideoRendition | AudioRendition
}

/**
 * Where hlsArgs' ffmpeg writes each stream, in -var_stream_map order (video smallest first, then audio).
 * Debian's ffmpeg 5.1 names the init file `init_<position>.mp4` when it writes more than one stream (and plain
 * `init.mp4` for one): it appends the stream's position to -hls_fmp4_init_filename and has no pattern that avoids
 * it. The media playlists point at these names themselves (EXT-X-MAP), so they are kept as they are.
 */
export function hlsLayout(plan: LadderPlan, outDir: string): HlsStream[] {
  const root = checkedDir(outDir, 'outDir')
  const streams: Array<Pick<HlsStream, 'kind' | 'name' | 'rendition'>> = [
    ...plan.video.map((rung) => ({ kind: 'video' as const, name: `v${rung.name}`, rendition: rung })),
    ...plan.audio.map((audio) => ({ kind: 'audio' as const, name: `a${audio.ordinal}`, rendition: audio })),
  ]
  return streams.map((stream, position) => ({
    ...stream,
    dir: `${root}/${stream.name}`,
    playlist: `${root}/${stream.name}/index.m3u8`,
    init: `${root}/${stream.name}/${streams.length > 1 ? `init_${position}.mp4` : 'init.mp4'}`,
    segments: `${root}/${stream.name}/seg_%05d.m4s`,
  }))
}

/**
 * One ffmpeg run for the whole ladder: the source is decoded once, split and scaled per rung, and muxed as fMP4
 * HLS VOD (4 s segments of two closed GOPs), plus one AAC stereo rendition per source audio stream. ffmpeg's own
 * master playlist is not asked for: ours is written from ffprobe of these outputs (src/videos/hls.ts).
 */
export function hlsArgs(plan: LadderPlan, options: RunOptions & { outDir: string }): string[] {
  const root = checkedDir(options.outDir, 'outDir')
  const split = plan.video.map((_, i) => `[s${i}]`).join('')
  const scales = plan.video.map((rung, i) => `;[s${i}]${scaleTo(rung)}[v${i}]`).join('')
  const agroup = plan.audio.length > 0 ? ',agroup:audio' : ''
  const streamMap = hlsLayout(plan, root).map((stream, position) => {
    const specifier = stream.kind === 'video' ? `v:${position}` : `a:${position - plan.video.length}`
    return `${specifier}${agroup},name:${stream.name}`
  })
  return [
    ...inputArgs(options),
    '-filter_complex', `[0:${plan.videoIndex}]split=${plan.video.length}${split}${scales}`,
    ...plan.video.flatMap((_, i) => ['-map', `[v${i}]`]),
    ...plan.audio.flatMap((audio) => ['-map', `0:${audio.sourceIndex}`]),
    ...x264Args(plan),
    ...plan.video.flatMap((rung, i) => rateArgs(rung, `v:${i}`)),
    ...(plan.audio.length > 0 ? AAC : []),
    ...threadArgs(options),
    ...NO_METADATA,
    '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'vod',
    '-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments',
    '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', `${root}/%v/seg_%05d.m4s`,
    '-var_stream_map', streamMap.join(' '),
    `${root}/%v/index.m3u8`,
  ]
}

/** The download/fallback file: min(480, source)p H.264 + the first audio stream in AAC stereo, moov first. */
export function mp4Args(plan: LadderPlan, options: RunOptions & { output: string }): string[] {
  const rung = mp4Rendition(plan)
  const first = plan.audio[0]
  return [
    ...inputArgs(options),
    '-map', `0:${plan.videoIndex}`, '-vf', scaleTo(rung),
    ...x264Args(plan), ...rateArgs(rung, 'v'),
    ...(first ? ['-map', `0:${first.sourceIndex}`, ...AAC] : []),
    ...threadArgs(options),
    ...NO_METADATA,
    '-movflags', '+faststart', '-f', 'mp4', checkedPath(options.output, 'output'),
  ]
}

/** One JPEG at 10 % of the film (past the opening black and logos), at most 720p. */
export function posterArgs(plan: LadderPlan, options: RunOptions & { output: string }): string[] {
  return [
    ...inputArgs(options, plan.duration * 0.1),
    '-map', `0:${plan.videoIndex}`, '-vf', scaleTo(posterRendition(plan)), '-frames:v', '1',
    '-c:v', 'mjpeg', '-q:v', '3', ...threadArgs(options), ...NO_METADATA,
    '-f', 'image2', '-update', '1', checkedPath(options.output, 'output'),
  ]
}

/**
 * Trickplay sheets `sprite_000.jpg`, `sprite_001.jpg`… in outDir: one thumbnail every interval seconds, 10×10 per
 * sheet (the last sheet padded with black). `round=up` takes the frame at the start of each interval and makes
 * ceil(duration / interval) thumbnails, which is what thumbnailsVtt indexes (measured; the default rounding makes
 * round(duration / interval): none at all for a 4 s clip). `start_time=0` counts from the film's start, not the
 * video's first frame: without it a Matroska file whose video starts at 0.021 s got no thumbnail at all.
 */
export function spriteArgs(plan: LadderPlan, options: RunOptions & { outDir: string }): string[] {
  const layout = spriteLayout(plan)
  const filter = `fps=1/${layout.interval}:start_time=0:round=up,${scaleTo(layout)},tile=${layout.columns}x${layout.rows}`
  return [
    ...inputArgs(options),
    '-map', `0:${plan.videoIndex}`, '-vf', filter, '-c:v', 'mjpeg', '-q:v', '4',
    ...threadArgs(options), ...NO_METADATA,
    '-f', 'image2', '-start_number', '0', `${checkedDir(options.outDir, 'outDir')}/sprite_%03d.jpg`,
  ]
}

/**
 * ffprobe of an uploaded source, with the same protocol and demuxer guards as ffmpeg: a refused container makes
 * ffprobe exit 1 with "Format not on whitelist" (a text file: "Invalid data found"), which means 'unsupported
 * container'. Not for our own outputs: playlists and JPEGs need the demuxers this refuses.
 */
export function probeArgs(path: string): string[] {
  return ['-v', 'error', ...INPUT_GUARDS, '-print_format', 'json', '-show_format', '-show_streams', checkedPath(path, 'path')]
}
