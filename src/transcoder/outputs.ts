import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { AudioRendition, HlsOutputs, VideoRendition } from '../videos/hls'
import type { HlsStream } from './ffmpeg-args'
import { AUDIO_OUTPUT, type LadderPlan, type VideoRendition as PlannedRung, type AudioRendition as PlannedAudio } from './ladder'
import { runTool } from './tool'

/**
 * What the master playlist says about each output is measured from the files themselves, never planned: the
 * bit rates from the segments' sizes and durations, the codec string from ffprobe of the output's own header (x264
 * picks the level), so a player's choice of rendition rests on what it will actually download.
 */

interface Segment {
  uri: string
  seconds: number
}

/** The segments of an fMP4 media playlist ffmpeg wrote (EXTINF + URI pairs). */
export function mediaSegments(playlist: string): Segment[] {
  const lines = playlist.split('\n').map((line) => line.trim())
  const segments: Segment[] = []
  lines.forEach((line, i) => {
    const extinf = /^#EXTINF:([\d.]+)/.exec(line)
    const uri = lines[i + 1]
    if (extinf && uri && !uri.startsWith('#')) segments.push({ uri, seconds: Number(extinf[1]) })
  })
  return segments
}

/** Peak and average bits per second of one stream: the init segment counts towards the first media segment. */
export function bitRates(stream: Pick<HlsStream, 'dir' | 'playlist' | 'init'>, segments: Segment[]): { peak: number; average: number; seconds: number } {
  const initBytes = statSync(stream.init).size
  let peak = 0
  let bytes = initBytes
  let seconds = 0
  segments.forEach((segment, i) => {
    const segmentBytes = statSync(join(stream.dir, segment.uri)).size
    bytes += segmentBytes
    seconds += segment.seconds
    // A player fetches the init segment with the first media segment. A sub-second tail segment (audio's last
    // frames) would show an absurd peak: it is judged over one second.
    const fetched = segmentBytes + (i === 0 ? initBytes : 0)
    peak = Math.max(peak, (fetched * 8) / Math.max(1, segment.seconds))
  })
  return { peak: Math.ceil(peak), average: Math.ceil((bytes * 8) / seconds), seconds }
}

interface HeaderProbe {
  streams: { codec_name?: string; profile?: string; level?: number; width?: number; height?: number; r_frame_rate?: string; channels?: number }[]
}

const H264_PROFILES: Record<string, string> = { Baseline: '42', 'Constrained Baseline': '42', Main: '4d', High: '64' }

/** RFC 6381's `avc1.PPCCLL` from ffprobe's profile and level (constraint flags 00: x264's High sets none). */
export function avc1Codec(profile: string | undefined, level: number | undefined): string {
  const pp = H264_PROFILES[profile ?? '']
  if (!pp || !level || level <= 0) throw new Error(`cannot name an H.264 stream of profile ${profile} level ${level}`)
  return `avc1.${pp}00${level.toString(16).padStart(2, '0')}`
}

const fraction = (value: string | undefined) => {
  const [num, den] = (value ?? '').split('/').map(Number)
  return num && den ? num / den : 0
}

/**
 * ffprobe of one stream's init segment joined with its first media segment: the init alone names no profile or
 * level (x264 writes them in the first frames' parameter sets ffprobe decodes) and no true frame rate.
 */
async function probeHeader(ffprobe: string, stream: Pick<HlsStream, 'dir' | 'init' | 'name'>, first: Segment): Promise<HeaderProbe['streams'][number]> {
  // Beside the ladder folder (the job's scratch folder), not in it: that folder is uploaded as it is.
  const joined = join(dirname(dirname(stream.dir)), `probe-${stream.name}.mp4`)
  writeFileSync(joined, Buffer.concat([readFileSync(stream.init), readFileSync(join(stream.dir, first.uri))]), { flag: 'wx', mode: 0o644 })
  try {
    // Our own file: the same protocol guard, and only the MP4 demuxer.
    const json = await runTool({
      command: ffprobe,
      args: ['-v', 'error', '-protocol_whitelist', 'file', '-format_whitelist', 'mov,mp4,m4a,3gp,3g2,mj2', '-print_format', 'json', '-show_streams', joined],
      cwd: dirname(joined),
      timeoutMs: 60_000,
      collectStdout: true,
    })
    const probed = (JSON.parse(json) as HeaderProbe).streams[0]
    if (!probed) throw new Error(`no stream in ${stream.init}`)
    return probed
  } finally {
    rmSync(joined, { force: true })
  }
}

export interface OutputFiles {
  /** the ladder folder on scratch disk (its relative paths are the keys under `v<ladder>/`) */
  root: string
  streams: HlsStream[]
  mp4: string
  poster: string
  thumbnails: string
}

/** The row's description of a finished ladder (src/videos/hls.ts), measured from the files in `files.root`. */
export async function describeOutputs(plan: LadderPlan, files: OutputFiles, ladder: number, ffprobe: string): Promise<HlsOutputs> {
  const renditions: VideoRendition[] = []
  const audio: AudioRendition[] = []
  for (const stream of files.streams) {
    const segments = mediaSegments(readFileSync(stream.playlist, 'utf8'))
    if (segments.length === 0) throw new Error(`no segments in ${stream.playlist}`)
    const rates = bitRates(stream, segments)
    const header = await probeHeader(ffprobe, stream, segments[0]!)
    const playlist = relative(files.root, stream.playlist)
    if (stream.kind === 'video') {
      const rung = stream.rendition as PlannedRung
      renditions.push({
        height: header.height ?? rung.height,
        width: header.width ?? rung.width,
        bandwidth: rates.peak,
        average_bandwidth: rates.average,
        codecs: avc1Codec(header.profile, header.level),
        frame_rate: fraction(header.r_frame_rate) || plan.fps,
        playlist,
      })
    } else {
      const track = stream.rendition as PlannedAudio
      if (header.codec_name !== 'aac') throw new Error(`audio rendition ${stream.name} is ${header.codec_name}, not AAC`)
      audio.push({
        index: track.ordinal,
        lang: track.lang,
        codecs: 'mp4a.40.2',
        channels: header.channels ?? AUDIO_OUTPUT.channels,
        bandwidth: rates.peak,
        playlist,
        // The first stream is the film's original track in the files operators have (ffmpeg's own default too).
        default: track.ordinal === 0,
      })
    }
  }
  return {
    ladder,
    duration: plan.duration,
    renditions,
    audio,
    mp4: relative(files.root, files.mp4),
    poster: relative(files.root, files.poster),
    thumbnails: relative(files.root, files.thumbnails),
  }
}
