import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Test media, generated on the spot by Debian's `ffmpeg` (lavfi `testsrc2` picture, `sine` tones) and `espeak-ng`
 * (spoken audio per language): nothing is downloaded and no binary comes from npm (ffmpeg-static and friends fail
 * offline). Clips are H.264 (ultrafast, a key frame every 2 s) + AAC, `+faststart` MP4 or Matroska.
 *
 * Generated files are cached on disk by their parameters (`MEDIA_CACHE_DIR`, default `$TMPDIR/flixpeek-test-media`),
 * written under a temporary name and renamed, so vitest workers and later runs share them; within a process the
 * same request is made once. On 2 cores a 30 s 640×360 clip at 2 Mb/s (~8 MB) takes ~1 s, a 4 s clip ~0.3 s.
 */

export interface ClipOptions {
  seconds: number
  width: number
  height: number
  /** frames per second (default 24) */
  fps?: number
  /** ffmpeg's syntax, e.g. '2M' or '800k'; unset: constant quality (CRF 30, small files) */
  videoBitrate?: string
  /** 'sine': a 440 Hz tone (default); 'speech': espeak-ng reading `speechText` (a tone when espeak-ng is missing) */
  audio?: 'sine' | 'speech' | 'none'
  container?: 'mp4' | 'mkv'
  /** what the voice says, repeated for the whole clip (default: a sentence in `language`) */
  speechText?: string
  /**
   * the audio track's language, two or three letters (default 'en'); tagged on the track as ISO 639-2. Anything
   * else is written verbatim, for hostile-tag tests (Matroska keeps it; MP4 stores only ISO 639-2 codes).
   */
  language?: string
  /** more audio tracks after the first, each in its own language (spoken or a tone like the first) */
  extraLanguages?: string[]
}

/** Bump when the ffmpeg arguments change: cached files from older generators are then ignored. */
const GENERATOR = 'v1'

const ISO_639_2: Record<string, string> = { en: 'eng', es: 'spa', fr: 'fra', de: 'deu', ja: 'jpn', ar: 'ara', it: 'ita', pt: 'por' }
const VOICES: Record<string, string> = { en: 'en-us', fr: 'fr-fr', pt: 'pt' }
const SENTENCES: Record<string, string> = {
  en: 'This is a test film. One, two, three, four, five.',
  es: 'Esta es una película de prueba. Uno, dos, tres, cuatro, cinco.',
  fr: "Ceci est un film d'essai. Un, deux, trois, quatre, cinq.",
  de: 'Dies ist ein Testfilm. Eins, zwei, drei, vier, fünf.',
  ja: 'これはテスト映画です。いち、に、さん、し、ご。',
  ar: 'هذا فيلم تجريبي. واحد، اثنان، ثلاثة، أربعة، خمسة.',
}

const cacheDir = () => process.env.MEDIA_CACHE_DIR || join(tmpdir(), 'flixpeek-test-media')
/** In-process cache: one generation per distinct request, however many tests ask concurrently. */
const pending = new Map<string, Promise<string>>()
const tools = new Map<string, boolean>()

function toolPresent(name: string): boolean {
  if (!tools.has(name)) tools.set(name, spawnSync(name, [name === 'espeak-ng' ? '--version' : '-version'], { stdio: 'ignore' }).status === 0)
  return tools.get(name)!
}

/** Whether Debian's ffmpeg (and ffprobe) can be run: for `it.skipIf` / `describe.runIf`. */
export const hasFfmpeg = (): boolean => toolPresent('ffmpeg') && toolPresent('ffprobe')
/** Whether espeak-ng is installed (spoken audio); without it 'speech' clips carry a tone. */
export const hasSpeech = (): boolean => toolPresent('espeak-ng')

/** Throws a helpful error when ffmpeg is missing (the tests generate their media with it). */
export function requireFfmpeg(): void {
  if (hasFfmpeg()) return
  throw new Error(
    'ffmpeg/ffprobe not found on PATH. The video tests generate their clips with Debian\'s ffmpeg: ' +
      'run `sudo apt-get update && sudo apt-get install -y ffmpeg espeak-ng` (.ci/run installs them on CI machines).',
  )
}

/** Runs a command to the end; resolves with its stdout, rejects with its stderr's tail. */
function run(command: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (error) => (clearTimeout(timer), reject(error)))
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr}`))
    })
  })
}

const lang2 = (language: string) => language.toLowerCase().slice(0, 2)
const iso3 = (language: string) =>
  !/^[a-z]{2,3}$/i.test(language) ? language : language.length === 3 ? language.toLowerCase() : (ISO_639_2[lang2(language)] ?? 'und')

/** Produce `name` in the cache once: `make(tmpPath)` writes it, then it is renamed into place. */
function cached(name: string, make: (tmp: string) => Promise<void>): Promise<string> {
  const dir = cacheDir()
  const path = join(dir, name)
  let job = pending.get(path)
  if (!job) {
    job = (async () => {
      if (existsSync(path) && statSync(path).size > 0) return path
      mkdirSync(dir, { recursive: true })
      const dot = name.lastIndexOf('.')
      const tmp = join(dir, `${name.slice(0, dot)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp${name.slice(dot)}`)
      try {
        await make(tmp)
        renameSync(tmp, path)
      } finally {
        rmSync(tmp, { force: true })
      }
      return path
    })()
    job.catch(() => pending.delete(path))
    pending.set(path, job)
  }
  return job
}

const keyOf = (value: unknown) => createHash('sha256').update(`${GENERATOR}:${JSON.stringify(value)}`).digest('hex').slice(0, 16)

/** A WAV of espeak-ng saying `text` in `language`. */
function speechWav(text: string, language: string): Promise<string> {
  const voice = VOICES[lang2(language)] ?? lang2(language)
  return cached(`speech-${keyOf({ text, voice })}.wav`, async (tmp) => void (await run('espeak-ng', ['-v', voice, '-w', tmp, text])))
}

/**
 * A clip of `seconds` with the moving `testsrc2` picture and the chosen audio, returned as a file path (cached).
 * e.g. `await makeClip({ seconds: 30, width: 640, height: 360, videoBitrate: '2M' })` (~8 MB, two 5 MiB parts).
 */
export function makeClip(options: ClipOptions): Promise<string> {
  requireFfmpeg()
  const o: ClipOptions & Required<Pick<ClipOptions, 'fps' | 'audio' | 'container' | 'language' | 'extraLanguages'>> = {
    fps: 24, audio: 'sine', container: 'mp4', language: 'en', extraLanguages: [], ...options,
  }
  if (o.audio === 'speech' && !hasSpeech()) {
    if (!tools.has('warned')) console.warn('test/support/media: espeak-ng is not installed, so "speech" clips carry a sine tone instead (apt-get install -y espeak-ng)')
    tools.set('warned', true)
    o.audio = 'sine'
  }
  const name = `clip-${o.seconds}s-${o.width}x${o.height}-${keyOf(o)}.${o.container}`
  return cached(name, async (tmp) => {
    const languages = o.audio === 'none' ? [] : [o.language, ...o.extraLanguages]
    const inputs = ['-f', 'lavfi', '-i', `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`]
    for (const [i, language] of languages.entries()) {
      if (o.audio === 'speech') {
        const text = i === 0 && o.speechText ? o.speechText : (SENTENCES[lang2(language)] ?? SENTENCES.en!)
        inputs.push('-stream_loop', '-1', '-i', await speechWav(text, language))
      } else inputs.push('-f', 'lavfi', '-i', `sine=frequency=${440 + 110 * i}:sample_rate=48000`)
    }
    const maps = ['-map', '0:v', ...languages.flatMap((_, i) => ['-map', `${i + 1}:a`])]
    const tags = languages.flatMap((language, i) => [`-metadata:s:a:${i}`, `language=${iso3(language)}`])
    const rate = o.videoBitrate
      ? ['-b:v', o.videoBitrate, '-maxrate', o.videoBitrate, '-bufsize', `${parseFloat(o.videoBitrate) * 2}${o.videoBitrate.replace(/^[\d.]+/, '')}`]
      : ['-crf', '30']
    const video = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', ...rate, '-g', String(o.fps * 2), '-sc_threshold', '0']
    const audio = languages.length ? ['-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2'] : []
    const mux = o.container === 'mp4' ? ['-movflags', '+faststart', '-f', 'mp4'] : ['-f', 'matroska']
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...inputs, '-t', String(o.seconds), ...maps, ...video, ...audio, ...tags, ...mux, tmp])
  })
}

/**
 * A one-second MP4 whose container declares a 20000×20000 picture (its one JPEG frame is blanked): a decompression
 * bomb's header without the bomb. ffmpeg refuses to open a decoder that large (av_image_check_size), so ffprobe
 * reports the stream with no picture size at all.
 */
export function makeHugeDeclaredClip(): Promise<string> {
  requireFfmpeg()
  return cached(`huge-${keyOf('20000x20000')}.mp4`, async (tmp) => {
    const small = `${tmp}.small.mp4`
    try {
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=16x16:r=1', '-t', '1', '-c:v', 'mjpeg', '-f', 'mp4', small])
      writeFileSync(tmp, declareSize(readFileSync(small), 20000, 20000))
    } finally {
      rmSync(small, { force: true })
    }
  })
}

/** Rewrites an MP4's picture size (the `mp4v` sample entry and the track header) and zeroes its media data. */
function declareSize(file: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(file)
  const entry = out.indexOf('mp4v', out.indexOf('stsd'))
  // sample entry: type, 6 reserved, data reference, 16 bytes of pre-defined/reserved, then width and height
  out.writeUInt16BE(width, entry + 4 + 6 + 2 + 16)
  out.writeUInt16BE(height, entry + 4 + 6 + 2 + 18)
  // tkhd (version 0): flags, 5 words of times/ids/duration, 8 reserved, 8 of layer/volume, 36 of matrix, then 16.16 sizes
  const header = out.indexOf('tkhd') + 4 + 4 + 20 + 8 + 8 + 36
  out.writeUInt32BE(width * 65536, header)
  out.writeUInt32BE(height * 65536, header + 4)
  const mdat = out.indexOf('mdat')
  out.fill(0, mdat + 4, mdat - 4 + out.readUInt32BE(mdat - 4))
  return out
}

/** The bytes of a generated file (e.g. to PUT as upload parts). */
export const clipBytes = (path: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(path))

/**
 * A subtitle file with one cue every 2 seconds ("<label> 1", "<label> 2"…) for `seconds`, as SubRip or WebVTT.
 */
export function makeSubtitles(options: { seconds: number; format?: 'srt' | 'vtt'; label?: string }): Promise<string> {
  const { seconds, format = 'srt', label = 'Line' } = options
  return cached(`subs-${keyOf({ seconds, format, label })}.${format}`, async (tmp) => {
    const stamp = (s: number) => {
      const t = new Date(s * 1000).toISOString().slice(11, 23)
      return format === 'srt' ? t.replace('.', ',') : t
    }
    const cues = Array.from({ length: Math.ceil(seconds / 2) }, (_, i) => {
      const at = i * 2
      return `${i + 1}\n${stamp(at)} --> ${stamp(Math.min(seconds, at + 1.5))}\n${label} ${i + 1}\n`
    })
    writeFileSync(tmp, (format === 'vtt' ? 'WEBVTT\n\n' : '') + cues.join('\n'))
  })
}

export interface MediaInfo {
  duration: number
  size: number
  video: { codec: string; width: number; height: number } | null
  audio: { codec: string; language: string }[]
  subtitles: { codec: string; language: string }[]
}

interface ProbeStream {
  codec_type: string
  codec_name: string
  width?: number
  height?: number
  tags?: { language?: string }
}

/** What ffprobe says about a file (or a URL ffprobe can read): duration in seconds, streams. */
export async function probeMedia(path: string): Promise<MediaInfo> {
  requireFfmpeg()
  const entries = 'format=duration,size:stream=codec_type,codec_name,width,height:stream_tags=language'
  const json = JSON.parse(await run('ffprobe', ['-v', 'error', '-show_entries', entries, '-of', 'json', path])) as { format: { duration?: string; size?: string }; streams: ProbeStream[] }
  const of = (type: string) => json.streams.filter((s) => s.codec_type === type)
  const video = of('video')[0]
  return {
    duration: Number(json.format.duration ?? NaN),
    size: Number(json.format.size ?? NaN),
    video: video ? { codec: video.codec_name, width: video.width!, height: video.height! } : null,
    audio: of('audio').map((s) => ({ codec: s.codec_name, language: s.tags?.language ?? 'und' })),
    subtitles: of('subtitle').map((s) => ({ codec: s.codec_name, language: s.tags?.language ?? 'und' })),
  }
}
