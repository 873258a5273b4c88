import { parse, setOptions, types } from 'hls-parser/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  HlsOutputsSchema,
  masterPlaylist,
  renditionName,
  subtitlePlaylist,
  UnsafePlaylistValueError,
  type HlsOutputs,
  type SubtitleTrack,
} from '../../src/videos/hls'

/** A ladder as the transcoder records it: given lowest first, to show the writer orders it. */
const outputs = (): HlsOutputs => ({
  ladder: 1,
  duration: 6.04,
  renditions: [
    { height: 360, width: 640, bandwidth: 860_000, average_bandwidth: 800_000, codecs: 'avc1.64001e', frame_rate: 25, playlist: 'v360/index.m3u8' },
    { height: 720, width: 1280, bandwidth: 3_210_000, average_bandwidth: 3_000_000, codecs: 'avc1.64001f', frame_rate: 29.97002997, playlist: 'v720/index.m3u8' },
    { height: 480, width: 854, bandwidth: 1_500_000, average_bandwidth: 1_400_000, codecs: 'avc1.64001e', frame_rate: 25, playlist: 'v480/index.m3u8' },
  ],
  audio: [
    { index: 0, lang: 'en', codecs: 'mp4a.40.2', channels: 2, bandwidth: 130_000, playlist: 'a0/index.m3u8', default: true },
    { index: 1, lang: 'ar', codecs: 'mp4a.40.2', channels: 2, bandwidth: 132_000, playlist: 'a1/index.m3u8', default: false },
  ],
  mp4: 'mp4/480.mp4',
  poster: 'poster.jpg',
  thumbnails: 'thumbs/thumbs.vtt',
})
const subtitles: SubtitleTrack[] = [
  { lang: 'fr', playlist: 'subs/fr.m3u8' },
  { lang: 'ja', playlist: 'subs/ja.m3u8' },
]
const names = (lang: string) => renditionName(lang)

// Strict: hls-parser throws on anything the HLS spec forbids instead of logging it (a module-wide option, put back after).
beforeAll(() => setOptions({ strictMode: true }))
afterAll(() => setOptions({ strictMode: false }))

function parsedMaster(text: string): types.MasterPlaylist {
  const playlist = parse(text)
  expect(playlist.isMasterPlaylist).toBe(true)
  return playlist as types.MasterPlaylist
}

describe('masterPlaylist', () => {
  it('writes every rendition smallest first (where players start), with real bandwidths, resolution, frame rate and both groups', () => {
    const text = masterPlaylist(outputs(), subtitles, names)
    expect(text.split('\n').slice(0, 3)).toEqual(['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'])
    const master = parsedMaster(text)
    expect(master.variants.map((v) => [v.uri, v.bandwidth, v.averageBandwidth, v.resolution, v.frameRate])).toEqual([
      // The largest audio rendition (132 kb/s) is added to each video's own bit rate.
      ['v360/index.m3u8', 992_000, 932_000, { width: 640, height: 360 }, 25],
      ['v480/index.m3u8', 1_632_000, 1_532_000, { width: 854, height: 480 }, 25],
      ['v720/index.m3u8', 3_342_000, 3_132_000, { width: 1280, height: 720 }, 29.97],
    ])
    expect(text).toContain('FRAME-RATE=29.970')
    expect(text).toContain('FRAME-RATE=25.000')
    const [first] = master.variants
    expect(first!.audio.map((a) => [a.name, a.language, a.isDefault, a.autoselect, a.channels, a.uri])).toEqual([
      ['English', 'en', true, true, '2', 'a0/index.m3u8'],
      ['العربية', 'ar', false, true, '2', 'a1/index.m3u8'],
    ])
    expect(first!.audio.every((a) => a.groupId === 'audio' && a.forced === undefined)).toBe(true)
    expect(first!.subtitles.map((s) => [s.groupId, s.name, s.language, s.isDefault, s.uri])).toEqual([
      ['subs', 'Français', 'fr', false, 'subs/fr.m3u8'],
      ['subs', '日本語', 'ja', false, 'subs/ja.m3u8'],
    ])
    for (const variant of master.variants) {
      expect(variant.audio).toHaveLength(2)
      expect(variant.subtitles).toHaveLength(2)
    }
    // Each EXT-X-MEDIA line once, however many variants refer to it.
    expect(text.match(/#EXT-X-MEDIA:/g)).toHaveLength(4)
    expect(text.match(/AUDIO="audio"/g)).toHaveLength(3)
    expect(text.match(/SUBTITLES="subs"/g)).toHaveLength(3)
  })

  it('puts the video codec first in CODECS, then the audio codec, and only the video codec without audio', () => {
    const withAudio = parsedMaster(masterPlaylist(outputs(), [], names))
    expect(withAudio.variants.map((v) => v.codecs)).toEqual(['avc1.64001e,mp4a.40.2', 'avc1.64001e,mp4a.40.2', 'avc1.64001f,mp4a.40.2'])
    const silentText = masterPlaylist({ ...outputs(), audio: [] }, [], names)
    const silent = parsedMaster(silentText)
    expect(silent.variants.map((v) => [v.codecs, v.bandwidth])).toEqual([
      ['avc1.64001e', 860_000],
      ['avc1.64001e', 1_500_000],
      ['avc1.64001f', 3_210_000],
    ])
    expect(silentText).not.toContain('AUDIO=')
    expect(silentText).not.toContain('#EXT-X-MEDIA')
  })

  it('has a subtitles group only when there are subtitles', () => {
    const text = masterPlaylist(outputs(), [], names)
    expect(text).not.toContain('SUBTITLES')
    expect(parsedMaster(text).variants.every((v) => v.subtitles.length === 0)).toBe(true)
  })

  it('names two tracks of one language apart, leaves LANGUAGE out for und, and defaults to the first without a default', () => {
    const audio = [
      { index: 0, lang: 'en', codecs: 'mp4a.40.2', channels: 2, bandwidth: 128_000, playlist: 'a0/index.m3u8', default: false },
      { index: 1, lang: 'en', codecs: 'mp4a.40.2', channels: 2, bandwidth: 128_000, playlist: 'a1/index.m3u8', default: false },
      { index: 2, lang: 'und', codecs: 'mp4a.40.2', channels: 1, bandwidth: 64_000, playlist: 'a2/index.m3u8', default: false },
    ]
    const text = masterPlaylist({ ...outputs(), audio }, [], names)
    const [first] = parsedMaster(text).variants
    expect(first!.audio.map((a) => [a.name, a.language, a.isDefault])).toEqual([
      ['English', 'en', true],
      ['English 2', 'en', false],
      ['Original audio', undefined, false],
    ])
    expect(text).not.toContain('und')
  })

  it.each([
    ['a quote in a name', { names: () => 'English",URI="http://evil.example/x' }],
    ['a line break in a name', { names: () => 'English\n#EXT-X-ENDLIST' }],
    ['a control character in a name', { names: () => 'Eng\u0007lish' }],
    ['DEL in a name', { names: () => 'English\u007f' }],
    ['a Unicode line separator in a name', { names: () => 'English\u2028#EXT-X-ENDLIST' }],
    ['an empty name', { names: () => '' }],
    ['a quote in a language', { audioLang: 'en",URI="x' }],
    ['a control character in a language', { audioLang: 'en\u0000' }],
    ['a quote in a URI', { audioUri: 'a0/index.m3u8",NAME="x' }],
    ['a line break in a URI', { videoUri: 'v720/index.m3u8\n#EXT-X-ENDLIST' }],
    ['an absolute path', { videoUri: '/v720/index.m3u8' }],
    ['an absolute URL', { subtitleUri: 'https://evil.example/subs.m3u8' }],
    ['a parent directory', { subtitleUri: 'subs/../../other/fr.m3u8' }],
    ['a space in a URI', { subtitleUri: 'subs/fr fr.m3u8' }],
    ['a percent escape in a URI', { videoUri: 'v720/%2e%2e/index.m3u8' }],
    ['a quote in a codec', { codecs: 'avc1.64001f",X="y' }],
  ])('refuses %s', (_, bad: { names?: (lang: string) => string; audioLang?: string; audioUri?: string; videoUri?: string; subtitleUri?: string; codecs?: string }) => {
    const given = outputs()
    given.audio[1]!.lang = bad.audioLang ?? given.audio[1]!.lang
    given.audio[1]!.playlist = bad.audioUri ?? given.audio[1]!.playlist
    given.renditions[1]!.playlist = bad.videoUri ?? given.renditions[1]!.playlist
    given.renditions[1]!.codecs = bad.codecs ?? given.renditions[1]!.codecs
    const subs = [{ lang: 'fr', playlist: bad.subtitleUri ?? 'subs/fr.m3u8' }]
    expect(() => masterPlaylist(given, subs, bad.names ?? names)).toThrow(UnsafePlaylistValueError)
  })

  it('refuses bit rates and sizes that are not positive numbers, and two default audio renditions', () => {
    const zero = outputs()
    zero.renditions[0]!.bandwidth = 0
    expect(() => masterPlaylist(zero, [], names)).toThrow(UnsafePlaylistValueError)
    const nan = outputs()
    nan.renditions[0]!.frame_rate = Number.NaN
    expect(() => masterPlaylist(nan, [], names)).toThrow(UnsafePlaylistValueError)
    const twoDefaults = outputs()
    twoDefaults.audio[1]!.default = true
    expect(() => masterPlaylist(twoDefaults, [], names)).toThrow(UnsafePlaylistValueError)
  })

  it('comes from a row the schema reads back, and the schema refuses what the writer refuses', () => {
    const row = JSON.parse(JSON.stringify(outputs())) as unknown
    expect(masterPlaylist(HlsOutputsSchema.parse(row), subtitles, names)).toBe(masterPlaylist(outputs(), subtitles, names))
    const hostile = outputs()
    hostile.audio[0]!.lang = 'en",URI="x'
    hostile.renditions[0]!.playlist = '../v720/index.m3u8'
    const issues = HlsOutputsSchema.safeParse(hostile).error?.issues.map((issue) => issue.path.join('.'))
    expect(issues).toEqual(expect.arrayContaining(['audio.0.lang', 'renditions.0.playlist']))
  })
})

describe('subtitlePlaylist', () => {
  it.each([6.04, 6, 0.4, 7265.125])('writes a one-segment VOD playlist whose segment (%s s) fits its target duration', (duration) => {
    const text = subtitlePlaylist('subs/fr.vtt', duration)
    const playlist = parse(text) as types.MediaPlaylist
    expect(playlist.isMasterPlaylist).toBe(false)
    expect(playlist.playlistType).toBe('VOD')
    expect(playlist.endlist).toBe(true)
    expect(playlist.segments.map((s) => [s.uri, s.duration])).toEqual([['subs/fr.vtt', duration]])
    expect(playlist.segments[0]!.duration).toBeLessThanOrEqual(playlist.targetDuration)
    expect(playlist.targetDuration).toBe(Math.max(1, Math.ceil(duration)))
    expect(text).toContain(`#EXTINF:${duration},\n`)
  })

  it('refuses an unsafe URI or a duration that is not positive', () => {
    expect(() => subtitlePlaylist('subs/fr.vtt"\n#EXT-X-ENDLIST', 6)).toThrow(UnsafePlaylistValueError)
    expect(() => subtitlePlaylist('../fr.vtt', 6)).toThrow(UnsafePlaylistValueError)
    expect(() => subtitlePlaylist('subs/fr.vtt', 0)).toThrow(UnsafePlaylistValueError)
    expect(() => subtitlePlaylist('subs/fr.vtt', Number.POSITIVE_INFINITY)).toThrow(UnsafePlaylistValueError)
  })
})

describe('renditionName', () => {
  it('names the UI languages in themselves, as the language menu does', () => {
    expect(['en', 'es', 'fr', 'de', 'ja', 'ar'].map((lang) => renditionName(lang))).toEqual(['English', 'Español', 'Français', 'Deutsch', '日本語', 'العربية'])
  })

  it('names other languages by their own CLDR name with a capital, and und from the catalogue', () => {
    expect(renditionName('it')).toBe('Italiano')
    expect(renditionName('ko')).toBe('한국어')
    expect(renditionName('und')).toBe('Original audio')
    expect(renditionName('und', 'ja')).toBe('オリジナル音声')
    expect(renditionName('und', 'ar')).toBe('الصوت الأصلي')
  })
})
