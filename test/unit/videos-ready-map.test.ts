import { describe, expect, it } from 'vitest'
import { buildReadyMap, invalidateReadyVideos, readyVideos } from '../../src/videos/ready-map'
import type { VideoItem } from '../../src/videos/store'
import { toWebVtt } from '../../src/videos/subtitles'
import { partPlan } from '../../src/videos/shape'

const video = (id: string, movie: number, fields: Partial<VideoItem>): VideoItem =>
  ({ id, movie_id: movie, status: 'ready', published: true, license: 'CC0', credit: null, duration: 60, updated_at: '2026-01-01T00:00:00Z', ...fields }) as VideoItem

describe('the ready-video map', () => {
  it('shows the newest ready, published video of each film, and changes version when that changes', () => {
    const items = [
      video('A', 1, { ready_at: '2026-01-01T00:00:00Z' }),
      video('B', 1, { ready_at: '2026-02-01T00:00:00Z', duration: 90 }),
      video('C', 1, { status: 'transcoding', ready_at: '2026-03-01T00:00:00Z' }), // a new upload replaces it only once ready
      video('D', 2, { published: false }),
      video('E', 3, { status: 'failed' }),
    ]
    const map = buildReadyMap(items)
    expect([...map.byMovie.keys()]).toEqual([1])
    expect(map.byMovie.get(1)).toMatchObject({ video_id: 'B', duration: 90 })
    expect(buildReadyMap(items).version).toBe(map.version)
    expect(buildReadyMap([...items, video('F', 2, {})]).version).not.toBe(map.version)
  })

  it('answers from the last good map (or an empty one) when the read fails', async () => {
    invalidateReadyVideos()
    const map = await readyVideos(async () => {
      throw new Error('DynamoDB is down')
    })
    expect(map.byMovie.size).toBe(0)
    expect(map.provisional).toBe(true)
  })
})

describe('subtitles and parts', () => {
  it('turns SubRip into WebVTT and refuses what is neither', () => {
    expect(toWebVtt('\uFEFF1\r\n00:00:01,000 --> 00:00:02,000\r\nHi --> there\r\n\r\n2\r\n00:01:00,500 --> 00:01:01,000\r\nBye\r\n')).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi → there\n\n00:01:00.500 --> 00:01:01.000\nBye\n',
    )
    expect(toWebVtt('WEBVTT\n\n00:01.000 --> 00:02.000\nHello')).toBe('WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n')
    expect(toWebVtt('<script>alert(1)</script>')).toBeNull()
  })

  it('plans parts: every one but the last the part size', () => {
    expect(partPlan(10, 4)).toEqual({ count: 3, lastSize: 2 })
    expect(partPlan(8, 4)).toEqual({ count: 2, lastSize: 4 })
    expect(partPlan(1, 4)).toEqual({ count: 1, lastSize: 1 })
  })
})

describe('a film answer and a slow data store', () => {
  it('goes out with the map it has once the deadline passes, while the read goes on', async () => {
    const { readyVideosWithin } = await import('../../src/videos/ready-map')
    invalidateReadyVideos()
    let finish: (items: VideoItem[]) => void = () => {}
    const slow = new Promise<VideoItem[]>((resolve) => (finish = resolve))
    const early = await readyVideosWithin(() => slow, 10)
    expect(early.byMovie.has(7)).toBe(false)
    // Not a fresh read: the answer built on it is not shared (no-store).
    expect(early.provisional).toBe(true)
    finish([video('Z', 7, {})])
    await slow
    // The read that went on is what the next answer uses.
    const next = await readyVideosWithin(() => Promise.resolve([]), 10)
    expect(next.byMovie.has(7)).toBe(true)
    expect(next.provisional).toBeUndefined()
  })
})
