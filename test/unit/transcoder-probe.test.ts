import { describe, expect, it } from 'vitest'
import { toIso6391 } from '../../src/transcoder/languages'
import { DEFAULT_LIMITS, jobTimeoutMs, limitsFromEnv } from '../../src/transcoder/limits'
import { checkSource, parseProbe, type SourceProbe } from '../../src/transcoder/probe'

/**
 * `ffprobe -v error -print_format json -show_format -show_streams` of clips made with Debian's ffmpeg 5.1.9, cut
 * to the fields that matter (and a few that do not, to show they are ignored).
 */
const PROBES = {
  // test/support/media.ts: 6 s 640×360 H.264, AAC tracks tagged eng and ara
  mp4TwoLanguages: '{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 640, "height": 360, "sample_aspect_ratio": "1:1", "display_aspect_ratio": "16:9", "pix_fmt": "yuv420p", "r_frame_rate": "24/1", "avg_frame_rate": "24/1", "duration": "6.000000", "tags": {"language": "und", "handler_name": "VideoHandler"}}, {"index": 1, "codec_name": "aac", "codec_type": "audio", "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "channels": 2, "channel_layout": "stereo", "duration": "6.000000", "tags": {"language": "eng", "handler_name": "SoundHandler"}}, {"index": 2, "codec_name": "aac", "codec_type": "audio", "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "channels": 2, "channel_layout": "stereo", "duration": "6.000000", "tags": {"language": "ara", "handler_name": "SoundHandler"}}], "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "6.000000", "size": "961247", "bit_rate": "1281662"}}',
  // Matroska 1280×720 at 29.97 fps, 5.1 Opus tagged fre, SubRip tagged ger and spa
  mkvWithSubtitles: '{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 1280, "height": 720, "sample_aspect_ratio": "1:1", "display_aspect_ratio": "16:9", "pix_fmt": "yuv420p", "r_frame_rate": "30000/1001", "avg_frame_rate": "30000/1001", "tags": {}}, {"index": 1, "codec_name": "opus", "codec_type": "audio", "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "channels": 6, "channel_layout": "5.1", "tags": {"language": "fre"}}, {"index": 2, "codec_name": "subrip", "codec_type": "subtitle", "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "duration": "2.009000", "tags": {"language": "ger"}}, {"index": 3, "codec_name": "subrip", "codec_type": "subtitle", "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "duration": "2.009000", "tags": {"language": "spa"}}], "format": {"format_name": "matroska,webm", "duration": "2.009000", "size": "1874142", "bit_rate": "7462984"}}',
  // a phone-style video: stored 320×180 with a 90° display rotation
  rotated: '{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 320, "height": 180, "sample_aspect_ratio": "1:1", "display_aspect_ratio": "16:9", "pix_fmt": "yuv420p", "r_frame_rate": "30000/1001", "avg_frame_rate": "30000/1001", "duration": "2.002000", "tags": {"handler_name": "VideoHandler"}, "side_data_list": [{"side_data_type": "Display Matrix", "rotation": 90}]}], "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "2.002000", "size": "178383", "bit_rate": "712819"}}',
  // MP4 with a PNG cover (an attached picture is a "video" stream to ffprobe)
  coverArt: '{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 320, "height": 240, "sample_aspect_ratio": "1:1", "display_aspect_ratio": "4:3", "pix_fmt": "yuv420p", "r_frame_rate": "25/1", "avg_frame_rate": "25/1", "duration": "1.000000", "tags": {"language": "und", "handler_name": "VideoHandler"}}, {"index": 1, "codec_name": "aac", "codec_type": "audio", "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "channels": 1, "channel_layout": "mono", "duration": "1.000000", "tags": {"language": "und", "handler_name": "SoundHandler"}}, {"index": 2, "codec_name": "png", "codec_type": "video", "width": 64, "height": 64, "sample_aspect_ratio": "1:1", "display_aspect_ratio": "1:1", "pix_fmt": "rgb24", "r_frame_rate": "90000/1", "avg_frame_rate": "0/0", "duration": "1.000000", "disposition": {"default": 0, "attached_pic": 1}}], "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "1.000000", "size": "103772", "bit_rate": "830176"}}',
  // PAL 16:9 DVD-style: 720×576 with anamorphic pixels
  anamorphic: '{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 720, "height": 576, "sample_aspect_ratio": "64:45", "display_aspect_ratio": "16:9", "pix_fmt": "yuv420p", "r_frame_rate": "25/1", "avg_frame_rate": "25/1", "tags": {}}], "format": {"format_name": "matroska,webm", "duration": "1.000000", "size": "404184", "bit_rate": "3233472"}}',
  // an HLS playlist renamed .mp4 whose segment is a local file (probed without -format_whitelist)
  hlsPlaylist: '{"streams": [{"index": 0, "codec_name": "h264", "codec_type": "video", "width": 160, "height": 90, "sample_aspect_ratio": "1:1", "display_aspect_ratio": "16:9", "pix_fmt": "yuv420p", "r_frame_rate": "24/1", "avg_frame_rate": "24/1", "tags": {}}], "format": {"format_name": "hls", "duration": "1.000000", "size": "65", "bit_rate": "520"}}',
}

describe('parseProbe', () => {
  it('reads streams, frame rates and languages from an MP4', () => {
    expect(parseProbe(PROBES.mp4TwoLanguages)).toEqual({
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      duration: 6,
      size: 961247,
      video: [{ index: 0, codec: 'h264', width: 640, height: 360, fps: 24, pix_fmt: 'yuv420p' }],
      audio: [
        { index: 1, codec: 'aac', channels: 2, lang: 'en' },
        { index: 2, codec: 'aac', channels: 2, lang: 'ar' },
      ],
      subtitles: [],
    })
  })

  it('reads a Matroska file: a rational frame rate, surround audio, subtitle streams', () => {
    const probe = parseProbe(PROBES.mkvWithSubtitles)
    expect(probe.container).toBe('matroska,webm')
    expect(probe.video[0]!.fps).toBeCloseTo(29.97, 2)
    expect(probe.audio).toEqual([{ index: 1, codec: 'opus', channels: 6, lang: 'fr' }])
    expect(probe.subtitles).toEqual([
      { index: 2, codec: 'subrip', lang: 'de' },
      { index: 3, codec: 'subrip', lang: 'es' },
    ])
  })

  it('reports the picture as displayed: rotation swaps the sides, anamorphic pixels keep their ratio', () => {
    expect(parseProbe(PROBES.rotated).video[0]).toMatchObject({ width: 180, height: 320 })
    expect(parseProbe(PROBES.anamorphic).video[0]).toMatchObject({ width: 720, height: 576, sampleAspectRatio: 64 / 45 })
  })

  it('does not count cover art as a video stream', () => {
    expect(parseProbe(PROBES.coverArt).video.map((video) => video.index)).toEqual([0])
  })

  it('falls back to r_frame_rate, and to 0, when avg_frame_rate says nothing', () => {
    const stream = (rates: object) => parseProbe(JSON.stringify({ format: { format_name: 'matroska,webm' }, streams: [{ index: 0, codec_type: 'video', width: 2, height: 2, ...rates }] }))
    expect(stream({ avg_frame_rate: '0/0', r_frame_rate: '25/1' }).video[0]!.fps).toBe(25)
    expect(stream({ avg_frame_rate: 'N/A' }).video[0]!.fps).toBe(0)
  })

  it('refuses what is not ffprobe JSON (ffprobe prints {} for a file it cannot open)', () => {
    expect(() => parseProbe('{}')).toThrow(/unexpected ffprobe output/)
    expect(() => parseProbe('not json')).toThrow(/did not print JSON/)
  })
})

describe('checkSource', () => {
  const base = (): SourceProbe => parseProbe(PROBES.mp4TwoLanguages)
  const limits = DEFAULT_LIMITS

  it('accepts MP4 and Matroska files within the limits', () => {
    for (const json of [PROBES.mp4TwoLanguages, PROBES.mkvWithSubtitles, PROBES.rotated, PROBES.coverArt]) expect(checkSource(parseProbe(json), limits)).toBeNull()
  })

  it('refuses every container but the two families, whole', () => {
    expect(checkSource(parseProbe(PROBES.hlsPlaylist), limits)).toBe('unsupported container')
    for (const container of ['tty', 'image2', 'mpegts', 'lavfi', 'concat', 'mov', 'matroska', 'mov,mp4,m4a,3gp,3g2,mj2,hls', 'webm,matroska', '']) {
      expect(checkSource({ ...base(), container }, limits), container).toBe('unsupported container')
    }
  })

  it('names each limit a source breaks', () => {
    const video = base().video[0]!
    const cases: Array<[Partial<SourceProbe>, string]> = [
      [{ video: [] }, 'no video stream'],
      [{ video: [video, { ...video, index: 3 }] }, 'more than one video stream'],
      [{ duration: 0 }, 'unknown duration'],
      [{ duration: 4 * 3600 + 1 }, 'too long'],
      [{ video: [{ ...video, width: 20000, height: 20000 }] }, 'too large a picture'],
      [{ video: [{ ...video, width: 3841, height: 2160 }] }, 'too large a picture'],
      [{ video: [{ ...video, width: 2160, height: 3841 }] }, 'too large a picture'],
      [{ video: [{ ...video, width: 2161, height: 3000 }] }, 'too large a picture'],
      [{ video: [{ ...video, fps: 120 }] }, 'too high a frame rate'],
      [{ audio: Array.from({ length: 9 }, (_, i) => ({ index: i + 1, codec: 'aac', channels: 2, lang: 'en' })) }, 'too many audio streams'],
      [{ subtitles: Array.from({ length: 17 }, (_, i) => ({ index: i + 1, codec: 'subrip', lang: 'en' })) }, 'too many subtitle streams'],
      [{ size: 50 * 2 ** 30 + 1 }, 'too large a file'],
    ]
    for (const [change, reason] of cases) expect(checkSource({ ...base(), ...change }, limits), reason).toBe(reason)
  })

  it('takes a portrait 2160×3840 and a 60 fps (or 59.94) video', () => {
    const video = base().video[0]!
    expect(checkSource({ ...base(), video: [{ ...video, width: 2160, height: 3840, fps: 60 }] }, limits)).toBeNull()
    expect(checkSource({ ...base(), video: [{ ...video, fps: 60000 / 1001 }] }, limits)).toBeNull()
    expect(checkSource({ ...base(), duration: 4 * 3600 }, limits)).toBeNull()
  })
})

describe('languages', () => {
  it('maps ISO 639-2 (both forms) and ISO 639-1 tags to ISO 639-1', () => {
    const cases: Record<string, string> = { eng: 'en', ara: 'ar', fre: 'fr', fra: 'fr', ger: 'de', deu: 'de', spa: 'es', jpn: 'ja', chi: 'zh', zho: 'zh', dut: 'nl', nld: 'nl', en: 'en', ja: 'ja' }
    for (const [tag, code] of Object.entries(cases)) expect(toIso6391(tag), tag).toBe(code)
  })

  it("answers 'und' for anything else, above all a tag that would break out of an HLS attribute", () => {
    for (const tag of ['en",URI="x', 'und', 'mul', 'zxx', 'xx', 'qaa', 'ENG', 'en-US', 'eng ', '', 'toString', 'constructor', '__proto__', undefined]) {
      expect(toIso6391(tag), String(tag)).toBe('und')
    }
  })
})

describe('limits', () => {
  it('defaults, and reads positive whole-number overrides (an empty value is unset)', () => {
    expect(limitsFromEnv({})).toEqual(DEFAULT_LIMITS)
    expect(DEFAULT_LIMITS).toMatchObject({ maxDurationSeconds: 14400, maxWidth: 3840, maxHeight: 2160, maxFps: 60, maxAudio: 8, maxSubtitles: 16, maxSourceBytes: 53687091200 })
    expect(limitsFromEnv({ TRANSCODE_MAX_FPS: '30', MAX_UPLOAD_BYTES: '1000', TRANSCODE_MAX_AUDIO: '' })).toMatchObject({ maxFps: 30, maxSourceBytes: 1000, maxAudio: 8 })
  })

  it('refuses a bad value, naming the variable', () => {
    for (const value of ['0', '-1', '1.5', '1e3', 'ten', '99999999999999999999']) {
      expect(() => limitsFromEnv({ TRANSCODE_MAX_DURATION_SECONDS: value }), value).toThrow(/TRANSCODE_MAX_DURATION_SECONDS/)
    }
  })

  it('gives a job three times the duration plus ten minutes', () => {
    expect(jobTimeoutMs(60)).toBe(780_000)
    expect(jobTimeoutMs(0)).toBe(600_000)
  })
})
