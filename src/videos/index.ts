import type { Catalog } from '../catalog/types'
import type { Config } from '../config'
import type { DataStore } from '../data/store'
import type { Outbox } from '../events/outbox'
import type { MediaStore } from '../media/store'
import { publicFields, type AccountDataParticipant } from '../shared/participants'
import { removeDeletedVideos, type CleanupReport } from './cleanup'
import { invalidateReadyVideos, readyVideos, type FilmVideo } from './ready-map'
import { VideoService, toVideo } from './service'
import { VideoStore } from './store'

export { VideoService, toVideo } from './service'
export { VideoStore } from './store'
export type { VideoLibrary } from './library'
export type { FilmVideo } from './ready-map'

/** What the rest of the app gets from the library: the use cases, a film's video, the deletion job. */
export interface Videos {
  readonly library: VideoService
  readonly store: VideoStore
  /** A film's ready, published video (at most READY_MAP_TTL_MS behind other isolates); null when none or unreadable. */
  filmVideo(movieId: number): Promise<FilmVideo | null>
  /** The deletion job's run (the drain cron). */
  removeDeleted(): Promise<CleanupReport>
}

export function createVideos(deps: { db: DataStore; table: string; media: MediaStore | undefined; outbox: Outbox; catalog: Catalog; config: Config }): Videos {
  const store = new VideoStore(deps.db, deps.table)
  const library = new VideoService({ store, media: deps.media, outbox: deps.outbox, catalog: deps.catalog, config: deps.config, onChanged: invalidateReadyVideos })
  return {
    library,
    store,
    async filmVideo(movieId) {
      const map = await readyVideos(() => store.list({ consistent: false }))
      const video = map.byMovie.get(movieId)
      return video ? { duration: video.duration, ready: true, license: video.license, credit: video.credit } : null
    },
    async removeDeleted() {
      return deps.media ? removeDeletedVideos(store, deps.media) : { deleted: 0, pending: 0, failed: 0 }
    },
  }
}

/**
 * An operator's uploads in their export; erasing the account keeps the library (the videos are the service's,
 * not the person's) and anonymises `created_by`.
 */
export function videosParticipant(store: VideoStore): AccountDataParticipant {
  return {
    name: 'videos',
    async export(userId) {
      const mine = (await store.list()).filter((item) => item.created_by === userId)
      return { uploaded_videos: mine.map((item) => publicFields({ ...toVideo(item), parts: item.status === 'uploading' ? toVideo(item).parts : [] })) }
    },
    erase: (userId) => store.anonymise(userId),
  }
}
