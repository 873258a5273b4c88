import { publicFields, type AccountDataParticipant } from '../shared/participants'
import { invalidateReadyVideos } from './ready-map'
import { toVideo } from './shape'
import type { VideoStore } from './store'

export { VideoService } from './service'
export { toVideo } from './shape'
export { VideoStore } from './store'
export type { PlayableVideo, VideoLibrary } from './library'
export type { FilmVideo } from './ready-map'
export { downloadableOf, videoRowKey, type DownloadableVideo } from './downloadable'
/** Passed to VideoService as `onChanged`: a state change in this isolate re-reads the ready-video map. */
export const readyMapChanged = invalidateReadyVideos

/**
 * An operator's uploads in their export; erasing the account keeps the library (the videos are the service's,
 * not the person's) and anonymises `created_by`.
 */
export function videosParticipant(store: VideoStore): AccountDataParticipant {
  return {
    name: 'videos',
    async export(userId) {
      const mine = (await store.list()).filter((item) => item.created_by === userId)
      return { uploaded_videos: mine.map((item) => publicFields({ ...toVideo(item) })) }
    },
    erase: (userId) => store.anonymise(userId),
  }
}
