import { describe, expect, it } from 'vitest'
import { hlsArgs, hlsLayout, mp4Args, posterArgs, probeArgs, spriteArgs } from '../../src/transcoder/ffmpeg-args'
import { LADDER_VERSION, planLadder, type LadderPlan } from '../../src/transcoder/ladder'
import type { ProbedVideo, SourceProbe } from '../../src/transcoder/probe'
import { spriteLayout, thumbnailsVtt } from '../../src/transcoder/trickplay'

const source = (video: Partial<ProbedVideo>, audio: string[] = ['en', 'ar'], duration = 6): SourceProbe => ({
  container: 'mov,mp4,m4a,3gp,3g2,mj2',
  duration,
  size: 1_000_000,
  video: [{ index: 0, codec: 'h264', width: 1920, height: 1080, fps: 24, ...video }],
  audio: audio.map((lang, i) => ({ index: i + 1, codec: 'aac', channels: 2, lang })),
  subtitles: [],
})

const sizes = (plan: LadderPlan) => plan.video.map((rung) => `${rung.name}:${rung.width}x${rung.height}`)

describe('planLadder', () => {
  it('makes every rung of a 1080p source, with the research bitrates', () => {
    const plan = planLadder(source({}))
    expect(plan.version).toBe(LADDER_VERSION)
    expect(sizes(plan)).toEqual(['240:426x240', '360:640x360', '480:854x480', '720:1280x720', '1080:1920x1080'])
    expect(plan.video.map((rung) => [rung.videoKbps, rung.maxrateKbps, rung.bufsizeKbps])).toEqual([
      [400, 430, 600], [800, 860, 1200], [1400, 1500, 2100], [3000, 3210, 4500], [5000, 5350, 7500],
    ])
    expect(plan.audio).toEqual([
      { ordinal: 0, sourceIndex: 1, lang: 'en' },
      { ordinal: 1, sourceIndex: 2, lang: 'ar' },
    ])
  })

  it('never upscales: 720p and 360p sources stop at their own size', () => {
    expect(sizes(planLadder(source({ width: 1280, height: 720 })))).toEqual(['240:426x240', '360:640x360', '480:854x480', '720:1280x720'])
    expect(sizes(planLadder(source({ width: 640, height: 360 })))).toEqual(['240:426x240', '360:640x360'])
  })

  it('gives a source under 240 pixels one rendition at its own even size', () => {
    expect(sizes(planLadder(source({ width: 356, height: 200 })))).toEqual(['200:356x200'])
    expect(sizes(planLadder(source({ width: 355, height: 201 })))).toEqual(['200:354x200'])
  })

  it('sizes portrait sources by their shorter side', () => {
    expect(sizes(planLadder(source({ width: 1080, height: 1920 })))).toEqual(['240:240x426', '360:360x640', '480:480x854', '720:720x1280', '1080:1080x1920'])
    expect(sizes(planLadder(source({ width: 180, height: 320 })))).toEqual(['180:180x320'])
  })

  it('keeps the shape of wide and 4:3 films and of anamorphic pixels', () => {
    expect(sizes(planLadder(source({ width: 1920, height: 800 })))).toEqual(['240:426x178', '360:640x266', '480:854x356', '720:1280x534', '1080:1920x800'])
    expect(sizes(planLadder(source({ width: 640, height: 480 })))).toEqual(['240:320x240', '360:480x360', '480:640x480'])
    expect(sizes(planLadder(source({ width: 720, height: 576, sampleAspectRatio: 64 / 45 })))).toEqual(['240:426x240', '360:640x360', '480:854x480'])
  })

  it('sets the GOP to two seconds of frames, and assumes 25 fps when the file does not say', () => {
    expect(planLadder(source({ fps: 30000 / 1001 })).gop).toBe(60)
    expect(planLadder(source({ fps: 24000 / 1001 })).gop).toBe(48)
    expect(planLadder(source({ fps: 0 })).gop).toBe(50)
  })
})

/** The value after a flag (the first occurrence). */
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1]

describe('ffmpeg arguments', () => {
  const plan = planLadder(source({ width: 640, height: 360 }))
  const all = {
    hls: hlsArgs(plan, { input: '/scratch/job/source', outDir: '/scratch/job/out/' }),
    mp4: mp4Args(plan, { input: '/scratch/job/source', output: '/scratch/job/out/progressive.mp4' }),
    poster: posterArgs(plan, { input: '/scratch/job/source', output: '/scratch/job/out/poster.jpg' }),
    sprite: spriteArgs(plan, { input: '/scratch/job/source', outDir: '/scratch/job/out/thumbs' }),
  }

  it('open the input only through the file protocol and the accepted demuxers, quietly, never reading stdin', () => {
    for (const [name, args] of Object.entries({ ...all, probe: probeArgs('/scratch/job/source') })) {
      const input = args.indexOf('-i') === -1 ? args.length - 1 : args.indexOf('-i')
      expect(args.indexOf('-protocol_whitelist'), name).toBeGreaterThanOrEqual(0)
      expect(args.indexOf('-protocol_whitelist'), name).toBeLessThan(input)
      expect(after(args, '-protocol_whitelist'), name).toBe('file,pipe')
      expect(after(args, '-format_whitelist'), name).toBe('mov,mp4,m4a,3gp,3g2,mj2,matroska,webm')
      expect(args.every((arg) => typeof arg === 'string'), name).toBe(true)
      if (name === 'probe') continue
      expect(args, name).toEqual(expect.arrayContaining(['-nostdin', '-y', '-hide_banner', '-nostats']))
      expect(after(args, '-loglevel'), name).toBe('error')
      expect(after(args, '-progress'), name).toBe('pipe:1')
      expect(after(args, '-map_metadata'), name).toBe('-1')
    }
  })

  it('are an argument vector, not a shell string, and refuse paths ffmpeg would misread', () => {
    expect(all.hls.includes('-i /scratch/job/source')).toBe(false)
    expect(after(all.hls, '-i')).toBe('/scratch/job/source')
    for (const input of ['relative.mp4', 'http://example.com/x.mp4', 'concat:/a|/b', '/scratch/100%.mp4', '/scratch/a\nb']) {
      expect(() => hlsArgs(plan, { input, outDir: '/out' }), input).toThrow(/absolute path/)
    }
    expect(() => spriteArgs(plan, { input: '/in', outDir: '/out/%d' })).toThrow(/absolute path/)
  })

  it('make the whole ladder in one fMP4 HLS run with aligned 2 s key frames', () => {
    const args = all.hls
    expect(after(args, '-filter_complex')).toBe('[0:0]split=2[s0][s1];[s0]scale=426:240,setsar=1[v0];[s1]scale=640:360,setsar=1[v1]')
    expect(args.join(' ')).toContain('-map [v0] -map [v1] -map 0:1 -map 0:2')
    expect(args.join(' ')).toContain('-c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -g 48 -keyint_min 48 -sc_threshold 0 -force_key_frames expr:gte(t,n_forced*2)')
    expect(args.join(' ')).toContain('-b:v:0 400k -maxrate:v:0 430k -bufsize:v:0 600k -b:v:1 800k -maxrate:v:1 860k -bufsize:v:1 1200k')
    expect(args.join(' ')).toContain('-c:a aac -ac 2 -ar 48000 -b:a 128k')
    expect(args.join(' ')).toContain('-f hls -hls_time 4 -hls_playlist_type vod -hls_segment_type fmp4 -hls_flags independent_segments')
    expect(after(args, '-hls_segment_filename')).toBe('/scratch/job/out/%v/seg_%05d.m4s')
    expect(after(args, '-var_stream_map')).toBe('v:0,agroup:audio,name:v240 v:1,agroup:audio,name:v360 a:0,agroup:audio,name:a0 a:1,agroup:audio,name:a1')
    expect(args.at(-1)).toBe('/scratch/job/out/%v/index.m3u8')
  })

  it('predict the file names ffmpeg writes (init_<position>.mp4 with several streams, init.mp4 with one)', () => {
    expect(hlsLayout(plan, '/o').map((stream) => [stream.playlist, stream.init, stream.segments])).toEqual([
      ['/o/v240/index.m3u8', '/o/v240/init_0.mp4', '/o/v240/seg_%05d.m4s'],
      ['/o/v360/index.m3u8', '/o/v360/init_1.mp4', '/o/v360/seg_%05d.m4s'],
      ['/o/a0/index.m3u8', '/o/a0/init_2.mp4', '/o/a0/seg_%05d.m4s'],
      ['/o/a1/index.m3u8', '/o/a1/init_3.mp4', '/o/a1/seg_%05d.m4s'],
    ])
    const silentTiny = planLadder(source({ width: 320, height: 180 }, []))
    expect(hlsLayout(silentTiny, '/o').map((stream) => stream.init)).toEqual(['/o/v180/init.mp4'])
  })

  it('leave audio renditions and the audio group out for a silent source', () => {
    const args = hlsArgs(planLadder(source({}, [])), { input: '/in', outDir: '/out' })
    expect(after(args, '-var_stream_map')).toBe('v:0,name:v240 v:1,name:v360 v:2,name:v480 v:3,name:v720 v:4,name:v1080')
    expect(args).not.toContain('-c:a')
    expect(args.filter((arg) => /^0:/.test(arg))).toEqual([])
  })

  it('make a +faststart MP4 at min(480, source)p with the first audio stream', () => {
    const hd = mp4Args(planLadder(source({})), { input: '/in', output: '/out/progressive.mp4' })
    expect(after(hd, '-vf')).toBe('scale=854:480,setsar=1')
    expect(hd.join(' ')).toContain('-map 0:1 -c:a aac -ac 2 -ar 48000 -b:a 128k')
    expect(hd.filter((arg) => arg === '-map')).toHaveLength(2)
    expect(after(hd, '-movflags')).toBe('+faststart')
    expect(after(all.mp4, '-vf')).toBe('scale=640:360,setsar=1')
    expect(mp4Args(planLadder(source({}, [])), { input: '/in', output: '/out/p.mp4' })).not.toContain('-c:a')
  })

  it('take the poster at 10 % of the film, at most 720p, and sheets of 10×10 thumbnails numbered from 0', () => {
    const poster = posterArgs(planLadder(source({}, ['en'], 7200)), { input: '/in', output: '/out/poster.jpg' })
    expect(after(poster, '-ss')).toBe('720.000')
    expect(poster.indexOf('-ss')).toBeLessThan(poster.indexOf('-i'))
    expect(after(poster, '-vf')).toBe('scale=1280:720,setsar=1')
    expect(after(poster, '-frames:v')).toBe('1')
    expect(after(all.sprite, '-vf')).toBe('fps=1/10:start_time=0:round=up,scale=320:180,setsar=1,tile=10x10')
    expect(after(all.sprite, '-start_number')).toBe('0')
    expect(all.sprite.at(-1)).toBe('/scratch/job/out/thumbs/sprite_%03d.jpg')
  })
})

describe('thumbnailsVtt', () => {
  it('indexes one thumbnail per 10 s, row by row, on as many sheets as needed', () => {
    const layout = spriteLayout(planLadder(source({})))
    expect(layout).toEqual({ interval: 10, width: 320, height: 180, columns: 10, rows: 10 })
    const vtt = thumbnailsVtt(1005, layout)
    const cues = vtt.split('\n\n').slice(1)
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true)
    expect(cues).toHaveLength(101)
    expect(cues[0]).toBe('00:00:00.000 --> 00:00:10.000\nsprite_000.jpg#xywh=0,0,320,180')
    expect(cues[11]).toBe('00:01:50.000 --> 00:02:00.000\nsprite_000.jpg#xywh=320,180,320,180')
    expect(cues[99]).toBe('00:16:30.000 --> 00:16:40.000\nsprite_000.jpg#xywh=2880,1620,320,180')
    expect(cues[100]).toBe('00:16:40.000 --> 00:16:45.000\nsprite_001.jpg#xywh=0,0,320,180\n')
  })

  it('covers a short clip with one cue, and hours past the first (thumbnail 1080: sheet 10, row 8)', () => {
    const portrait = spriteLayout(planLadder(source({ width: 1080, height: 1920 })))
    expect(portrait.height).toBe(568)
    expect(thumbnailsVtt(4, portrait)).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nsprite_000.jpg#xywh=0,0,320,568\n')
    expect(thumbnailsVtt(3 * 3600 + 0.5, portrait).split('\n\n').at(-1)).toBe('03:00:00.000 --> 03:00:00.500\nsprite_010.jpg#xywh=0,4544,320,568\n')
  })
})
