import { masterKey, videoPrefix } from '../media/keys'
import type { PlayableVideo } from './library'
import { readyVideos } from './ready-map'
import type { VideoStore } from './store'

/**
 * What a player needs of a film's video now: the ready-video map names it, and its row, read fresh, says it is
 * still ready and published (an unpublished or deleted video mints no token, whatever a 30 s old map says).
 */
export async function playableVideo(store: VideoStore, movieId: number): Promise<PlayableVideo | null> {
  const shown = (await readyVideos(() => store.listShown())).byMovie.get(movieId)
  const item = shown ? await store.get(shown.video_id) : null
  if (!item || item.status !== 'ready' || !item.published || !item.hls || !item.master_revision) return null
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
