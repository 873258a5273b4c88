import { masterKey, videoPrefix } from '../media/keys'
import type { PlayableVideo } from './library'
import { readyVideos } from './ready-map'
import type { VideoItem, VideoStore } from './store'

/**
 * The row of a film's shown video, read fresh: the ready-video map names it, and its row says it is still ready and
 * published, with its outputs (an unpublished or deleted video mints no token and opens no download, whatever a 30 s
 * old map says). Null: none. `memo` keeps one request's answer: a member's watch page asks both for playback and for
 * the Download control's qualities, from one read.
 */
export function shownVideoRow(store: Pick<VideoStore, 'listShown' | 'get'>, movieId: number, memo: Map<number, Promise<VideoItem | null>>): Promise<VideoItem | null> {
  let row = memo.get(movieId)
  if (!row) {
    row = (async () => {
      const shown = (await readyVideos(() => store.listShown())).byMovie.get(movieId)
      const item = shown ? await store.get(shown.video_id) : null
      return item && item.status === 'ready' && item.published && item.hls && item.master_revision ? item : null
    })()
    memo.set(movieId, row)
  }
  return row
}

/** What a player needs of a film's shown video (shownVideoRow's); null for none. */
export function playableOf(item: VideoItem | null): PlayableVideo | null {
  if (!item?.hls || !item.master_revision) return null
  return {
    videoId: item.id,
    master: masterKey(item.id, item.hls.ladder, item.master_revision).slice(videoPrefix(item.id).length),
    mp4: `v${item.hls.ladder}/${item.hls.mp4}`,
    poster: `v${item.hls.ladder}/${item.hls.poster}`,
    audio: item.hls.audio.map((audio) => audio.lang),
    subtitles: Object.keys(item.master_subtitles ?? {}).sort(),
    duration: item.hls.duration,
    license: item.license,
    credit: item.credit ?? null,
  }
}
