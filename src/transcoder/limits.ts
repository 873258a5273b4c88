/**
 * What the transcoder agrees to work on. Every bound is checked on ffprobe's report before ffmpeg decodes a frame,
 * so a hostile or absurd upload (a 20000×20000 picture, a 1,000-hour declared duration, hundreds of tracks) costs
 * one probe, not hours of CPU or a full disk.
 */
export interface TranscodeLimits {
  maxDurationSeconds: number
  /** bound on the picture's longer side (3840 fits both 3840×2160 and a 2160×3840 portrait video) */
  maxWidth: number
  /** bound on the picture's shorter side */
  maxHeight: number
  maxFps: number
  maxAudio: number
  maxSubtitles: number
  maxSourceBytes: number
}

export const DEFAULT_LIMITS: Readonly<TranscodeLimits> = {
  maxDurationSeconds: 4 * 60 * 60,
  maxWidth: 3840,
  maxHeight: 2160,
  maxFps: 60,
  maxAudio: 8,
  maxSubtitles: 16,
  maxSourceBytes: 50 * 2 ** 30,
}

/** Environment variable → the limit it overrides. MAX_UPLOAD_BYTES is the app's own upload bound, shared. */
const OVERRIDES: ReadonlyArray<[string, keyof TranscodeLimits]> = [
  ['TRANSCODE_MAX_DURATION_SECONDS', 'maxDurationSeconds'],
  ['TRANSCODE_MAX_WIDTH', 'maxWidth'],
  ['TRANSCODE_MAX_HEIGHT', 'maxHeight'],
  ['TRANSCODE_MAX_FPS', 'maxFps'],
  ['TRANSCODE_MAX_AUDIO', 'maxAudio'],
  ['TRANSCODE_MAX_SUBTITLES', 'maxSubtitles'],
  ['MAX_UPLOAD_BYTES', 'maxSourceBytes'],
]

/**
 * The defaults with any override from the environment. An empty value counts as unset (as in src/config.ts); a
 * value that is not a positive whole number stops the transcoder at start rather than silently lifting a bound.
 */
export function limitsFromEnv(env: Record<string, string | undefined>): TranscodeLimits {
  const limits: TranscodeLimits = { ...DEFAULT_LIMITS }
  for (const [name, key] of OVERRIDES) {
    const raw = env[name]?.trim()
    if (!raw) continue
    const value = Number(raw)
    if (!/^[1-9][0-9]*$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(env[name])}`)
    }
    limits[key] = value
  }
  return limits
}

/** A job's wall-clock budget: three times the film's duration plus ten minutes for download, probe and upload. */
export function jobTimeoutMs(durationSeconds: number): number {
  return Math.round((3 * durationSeconds + 600) * 1000)
}
