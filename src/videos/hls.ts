/**
 * What a ready video's row keeps about its HLS outputs, and the playlists written from it.
 *
 * The master playlist is ours, never ffmpeg's (Debian's ffmpeg names audio groups `audio_N` whatever it is told and
 * cannot know the real peak bit rates). One function writes it for both callers: the transcoder (Node) when a job
 * ends, and the app (Workers or Node) when a ready video's subtitles change, so the two always write the same text.
 *
 * hls-parser writes quoted attribute values as they are, without escaping: a `"` or a line break in a language name
 * or a URI would add attributes or tags to the playlist. Every value is checked here before it reaches the library.
 */
// The CommonJS entry on purpose: the package's `browser` field would hand a Workers bundle a different, transpiled
// UMD build (and 61 KB of it); this path gives Workers and Node the very same code.
import { stringify, types } from 'hls-parser/index.js'
import { z } from 'zod'
import { createTranslator } from '../i18n/translator'
import { DEFAULT_LOCALE, UI_LANGUAGES } from '../i18n/locales'

/** The group ids the master's variants point at. */
export const AUDIO_GROUP = 'audio'
export const SUBTITLE_GROUP = 'subs'

/** ISO 639-1 (or 639-2 when 639-1 has none), an optional region or script; `und` when the file did not say. */
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/
/** A path relative to the ladder folder: no scheme, no leading `/`, no `..`, nothing a playlist or URL would need escaped. */
const RELATIVE_URI = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/
/** A codec string as RFC 6381 writes them ("avc1.64001f", "mp4a.40.2"); no comma, which separates codecs in CODECS. */
const CODEC = /^[A-Za-z0-9][A-Za-z0-9.-]*$/
/**
 * Characters no quoted attribute value may hold: the quote that would end it, and control characters (line breaks
 * included); C1 controls and U+2028/U+2029 too, which some line readers also take for line ends.
 */
const UNSAFE_CHARACTER = /["\u0000-\u001f\u007f-\u009f\u2028\u2029]/

const relativeUri = z.string().regex(RELATIVE_URI).refine((uri) => !uri.split('/').includes('..'), 'no ".." segments')
const positiveInt = z.number().int().positive()

export const VideoRenditionSchema = z.object({
  height: positiveInt,
  width: positiveInt,
  bandwidth: positiveInt.describe('Peak bit rate of the video alone (bits/s), measured over its segments'),
  average_bandwidth: positiveInt.describe('Average bit rate of the video alone (bits/s)'),
  codecs: z.string().regex(CODEC).describe("The video codec alone, e.g. 'avc1.64001f'"),
  frame_rate: z.number().positive().finite(),
  playlist: relativeUri.describe("Relative to the ladder folder, e.g. 'v720/index.m3u8'"),
})
export type VideoRendition = z.infer<typeof VideoRenditionSchema>

export const AudioRenditionSchema = z.object({
  index: z.number().int().nonnegative().describe('The audio stream’s position among the source’s audio streams'),
  lang: z.string().regex(LANGUAGE).describe("ISO 639-1, or 'und'"),
  codecs: z.string().regex(CODEC).describe("'mp4a.40.2'"),
  channels: positiveInt,
  bandwidth: positiveInt,
  playlist: relativeUri.describe("e.g. 'a0/index.m3u8'"),
  default: z.boolean(),
})
export type AudioRendition = z.infer<typeof AudioRenditionSchema>

export const SubtitleTrackSchema = z.object({
  lang: z.string().regex(LANGUAGE),
  playlist: relativeUri.describe('Its one-segment media playlist (subtitlePlaylist)'),
})
export type SubtitleTrack = z.infer<typeof SubtitleTrackSchema>

export const HlsOutputsSchema = z.object({
  ladder: positiveInt.describe('The ladder version the outputs were made with (part of their keys)'),
  duration: z.number().positive().finite().describe('Seconds'),
  renditions: z.array(VideoRenditionSchema).min(1),
  audio: z.array(AudioRenditionSchema).refine((audio) => audio.filter((a) => a.default).length <= 1, 'at most one default audio rendition'),
  mp4: relativeUri.describe('The progressive MP4 fallback'),
  poster: relativeUri,
  thumbnails: relativeUri.describe('The WebVTT index of the trickplay sprites'),
})
export type HlsOutputs = z.infer<typeof HlsOutputsSchema>

/** A value the writer will not put into a playlist (it would break the playlist or point outside the video). */
export class UnsafePlaylistValueError extends Error {
  override name = 'UnsafePlaylistValueError'
  constructor(
    readonly attribute: string,
    readonly value: unknown,
  ) {
    super(`refusing ${attribute}=${JSON.stringify(value)} in a playlist`)
  }
}

function quotable(attribute: string, value: string, shape?: RegExp): string {
  if (!value || UNSAFE_CHARACTER.test(value) || (shape && !shape.test(value))) throw new UnsafePlaylistValueError(attribute, value)
  return value
}

function uri(attribute: string, value: string): string {
  quotable(attribute, value, RELATIVE_URI)
  if (value.split('/').includes('..')) throw new UnsafePlaylistValueError(attribute, value)
  return value
}

function positive(attribute: string, value: number, integer = true): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new UnsafePlaylistValueError(attribute, value)
  return value
}

/** The language attribute: none for `und` (HLS says LANGUAGE is a real tag or absent). */
const languageOf = (lang: string) => (quotable('LANGUAGE', lang, LANGUAGE) === 'und' ? undefined : lang)

/** NAME must be unique within a group: a second "English" becomes "English 2", a third "English 3". */
function distinctNames(names: string[]): string[] {
  const taken = new Set<string>()
  return names.map((name) => {
    let unique = name
    for (let n = 2; taken.has(unique); n++) unique = `${name} ${n}`
    taken.add(unique)
    return unique
  })
}

/**
 * The master playlist of a ready video. `names` gives each language's NAME (renditionName, from our own data, never
 * the file's). URIs are written as given, relative to the ladder folder (the app serves them under a token prefix).
 * Throws UnsafePlaylistValueError rather than write a value that could break out of its attribute.
 */
export function masterPlaylist(outputs: HlsOutputs, subtitles: SubtitleTrack[], names: (lang: string) => string): string {
  if (outputs.renditions.length === 0) throw new UnsafePlaylistValueError('renditions', [])
  if (outputs.audio.filter((audio) => audio.default).length > 1) throw new UnsafePlaylistValueError('DEFAULT', 'YES (twice)')
  // When no audio rendition is marked default, the first one is: a player needs one to start with.
  const defaultAudio = Math.max(0, outputs.audio.findIndex((audio) => audio.default))
  const audioNames = distinctNames(outputs.audio.map((audio) => names(audio.lang)))
  const audio = outputs.audio.map(
    (rendition, i) =>
      new types.Rendition({
        type: 'AUDIO',
        groupId: AUDIO_GROUP,
        uri: uri('URI', rendition.playlist),
        language: languageOf(rendition.lang),
        name: quotable('NAME', audioNames[i] ?? ''),
        isDefault: i === defaultAudio,
        autoselect: true,
        // FORCED is for subtitles only (RFC 8216 4.3.4.1); left undefined, hls-parser writes none.
        forced: undefined as unknown as boolean,
        channels: String(positive('CHANNELS', rendition.channels)),
      }),
  )
  const subtitleNames = distinctNames(subtitles.map((track) => names(track.lang)))
  const subs = subtitles.map(
    (track, i) =>
      new types.Rendition({
        type: 'SUBTITLES',
        groupId: SUBTITLE_GROUP,
        uri: uri('URI', track.playlist),
        language: languageOf(track.lang),
        name: quotable('NAME', subtitleNames[i] ?? ''),
        // Off unless the viewer picks them (the player turns them on when the UI and audio languages differ).
        isDefault: false,
        autoselect: true,
        forced: false,
      }),
  )
  // BANDWIDTH is what the variant needs at its peak with any audio rendition: the video's peak plus the largest audio.
  // Audio is near-constant AAC, so its bit rate stands for its average too.
  const audioBandwidth = Math.max(0, ...outputs.audio.map((rendition) => positive('BANDWIDTH', rendition.bandwidth)))
  // CODECS lists every codec a variant may need, so each audio codec once (all AAC-LC today: one).
  const audioCodecs = [...new Set(outputs.audio.map((rendition) => quotable('CODECS', rendition.codecs, CODEC)))]
  // Smallest first: a player starts with the first variant listed unless it already knows the line's speed (Safari
  // always; hls.js when no rung fits its 500 kb/s guess), then climbs as it measures. At 5 Mb/s and 40 ms the first
  // frame came after 2.9 s from 720p, 0.7 s from 240p (`npm run bench:media`, docs/performance.md).
  const ladder = [...outputs.renditions].sort((a, b) => a.height - b.height || a.bandwidth - b.bandwidth)
  const variants = ladder.map(
    (rendition) =>
      new types.Variant({
        uri: uri('URI', rendition.playlist),
        bandwidth: positive('BANDWIDTH', rendition.bandwidth) + audioBandwidth,
        averageBandwidth: positive('AVERAGE-BANDWIDTH', rendition.average_bandwidth) + audioBandwidth,
        // The video codec first: some players take the first codec of CODECS as the video's.
        codecs: [quotable('CODECS', rendition.codecs, CODEC), ...audioCodecs].join(','),
        resolution: { width: positive('RESOLUTION', rendition.width), height: positive('RESOLUTION', rendition.height) },
        frameRate: positive('FRAME-RATE', rendition.frame_rate, false),
        audio,
        subtitles: subs,
      }),
  )
  return `${stringify(new types.MasterPlaylist({ version: 7, independentSegments: true, variants }))}\n`
}

/**
 * The media playlist of one subtitle file: a single segment as long as the video (HLS wants subtitles in a media
 * playlist; a one-cue-file playlist is what hls.js and Safari both read).
 */
export function subtitlePlaylist(vttUri: string, duration: number): string {
  // Three decimals, as EXTINF and FRAME-RATE are written elsewhere; TARGETDURATION is whole seconds, never below a segment.
  const seconds = Math.round(positive('EXTINF', duration, false) * 1000) / 1000
  const segment = new types.Segment({ uri: uri('URI', vttUri), duration: seconds, title: '' })
  const playlist = new types.MediaPlaylist({
    version: 3, // the first version with decimal EXTINF durations (hls-parser rounds them below it)
    targetDuration: Math.max(1, Math.ceil(seconds)),
    playlistType: 'VOD',
    endlist: true,
    segments: [segment],
  })
  return `${stringify(playlist)}\n`
}

/**
 * A rendition's NAME, from our own data: the six UI languages by their name in themselves (as the language menu
 * shows them), any other language by its own CLDR name ("Italiano"), and `und` as the catalogue's "Original audio"
 * in `uiLanguage` — the master is one file for every viewer, so that one name is in the site's language.
 */
export function renditionName(lang: string, uiLanguage: string = DEFAULT_LOCALE): string {
  if (lang === 'und') return createTranslator(uiLanguage)('video.audio.original')
  const own = (UI_LANGUAGES as Record<string, string>)[lang]
  if (own) return own
  try {
    const name = new Intl.DisplayNames([lang], { type: 'language' }).of(lang)
    // CLDR writes some names in lower case ("italiano", "svenska"); a menu entry starts with a capital.
    if (name) return name.charAt(0).toLocaleUpperCase(lang) + name.slice(1)
  } catch {
    // Not a tag Intl knows: the code itself is still a truthful name.
  }
  return lang
}
