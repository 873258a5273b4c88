import type { Limit, Throttle } from '../accounts/throttle'
import { writeUnlessDeleted } from '../accounts/tombstone'
import type { Catalog, CatalogOptions, Movie } from '../catalog/types'
import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore } from '../data/store'
import { errors } from '../http/errors'
import { retryOptimistic } from '../shared/conflict-retry'
import { userPk } from '../shared/keys'
import type { PlayableVideo } from '../videos'
import { PROGRESS_PREFIX, WATCHED_SK, progressSk, viewersPk, viewersSk, watchingPk, watchingSk, type ProgressItem, type WatchedSummaryItem } from './keys'
import type { WatchState } from '../recommendations/types'
import { POSITION_SLACK_SECONDS, clampReportTime, isResumable, isWatched, watchStateOf } from './rules'

/** A player reports every 10 s and on pause, seek and end: 60 a minute is a lot of seeking, not of watching. */
export const PROGRESS_LIMIT: Limit = { name: 'progress-viewer', limit: 60, windowSeconds: 60 }
/** Continue watching shows this many films at most. */
export const CONTINUE_WATCHING_SIZE = 20

export interface ProgressDeps {
  db: DataStore
  table: string
  videos: { playable(movieId: number): Promise<PlayableVideo | null> }
  catalog: Pick<Catalog, 'many'>
  throttle: Pick<Throttle, 'reserve'>
  /** Told when a film is watched to the end for the first time, or the history cleared (recommendations recompute the viewer's picks). */
  onWatched?: (userId: string, language?: string) => void
  /** Whether the film still has a ready, published video (the isolate's ready-video map): Continue watching shows no film that cannot play. */
  hasVideo?: (movieId: number) => Promise<boolean>
  now?: () => number
}

/** A viewer's progress item for a film (a film page's read plan names it, so it comes with the session's read). */
export const progressKey = (viewer: string, movieId: number) => ({ pk: userPk(viewer), sk: progressSk(viewer, movieId) })

/** The viewer's summary of watched films (a signed-in request's read plan names it beside the profile). */
export const watchedSummaryKey = (viewer: string) => ({ pk: userPk(viewer), sk: WATCHED_SK })

/** A film in Continue watching: the film, where the viewer stopped, and when. */
export type ContinueWatching = Movie & { position: number; duration: number; updated_at: string }

/**
 * Where each viewer stopped in each film (src/progress/keys.ts), kept from the player's reports: the newest report
 * wins whatever order they arrive in (a device coming back online sends old ones), and Continue watching is a sparse
 * index of the films still worth resuming.
 */
export class ProgressService {
  constructor(private readonly deps: ProgressDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)()
  }

  private key(viewer: string, movieId: number) {
    return progressKey(viewer, movieId)
  }

  /**
   * A player's report: 404 `video_not_found` without a ready video, 422 for a position outside 0…duration + 5 s,
   * 429 past PROGRESS_LIMIT. A report older than the stored one changes nothing (and is not an error).
   */
  async report(userId: string, movieId: number, report: { position: number; at?: string }, language?: string): Promise<void> {
    await this.deps.throttle.reserve(PROGRESS_LIMIT, `user:${userId}`)
    const video = await this.deps.videos.playable(movieId)
    if (!video) throw errors.videoNotFound()
    const duration = video.duration
    if (!(report.position >= 0 && report.position <= duration + POSITION_SLACK_SECONDS)) {
      throw errors.validation([{ path: 'position', message: { key: 'validation.between', params: { min: 0, max: Math.floor(duration + POSITION_SLACK_SECONDS) } } }])
    }
    const position = Math.min(report.position, duration)
    const at = clampReportTime(report.at, this.now)
    const resumable = isResumable(position, duration)
    const sets = ['user_id = :user', 'viewer = :user', 'movie_id = :movie', 'video_id = :video', '#position = :position', '#duration = :duration', '#at = :at', 'updated_at = :updated', 'gsi1pk = :gsi1pk', 'gsi1sk = :gsi1sk']
    if (resumable) sets.push('gsi2pk = :gsi2pk', 'gsi2sk = :gsi2sk')
    const values: Record<string, unknown> = {
      ':user': userId, ':movie': movieId, ':video': video.videoId, ':position': position, ':duration': duration, ':at': at, ':updated': new Date(this.now).toISOString(),
      ':gsi1pk': viewersPk(video.videoId), ':gsi1sk': viewersSk(at, userId),
      ...(resumable ? { ':gsi2pk': watchingPk(userId), ':gsi2sk': watchingSk(at, movieId) } : {}),
    }
    // A player's reports may race (a beacon beside a periodic report; two devices): conflicts are tried again.
    const stored = await writeUnlessDeleted(this.deps.db, this.deps.table, userId, {
      update: {
        table: this.deps.table,
        key: this.key(userId, movieId),
        update: `SET ${sets.join(', ')}${resumable ? '' : ' REMOVE gsi2pk, gsi2sk'}`,
        // The newest report wins: an older one (an offline device's, a late beacon) changes nothing.
        condition: 'attribute_not_exists(#at) OR #at < :at',
        names: { '#position': 'position', '#duration': 'duration', '#at': 'at' },
        values,
      },
    })
    if (stored && isWatched(position, duration)) await this.markWatched(userId, movieId, at, language)
  }

  /**
   * A film watched to the end: its "Watched" mark (idempotent, so a failure here is mended by the next report), then
   * `watched_at` kept for good; the first time, the viewer's picks are recomputed.
   */
  private async markWatched(userId: string, movieId: number, at: string, language?: string): Promise<void> {
    await this.addToWatched(userId, movieId)
    try {
      await this.deps.db.update(this.deps.table, this.key(userId, movieId), {
        update: 'SET watched_at = :at',
        condition: 'attribute_exists(pk) AND attribute_not_exists(watched_at)',
        values: { ':at': at },
        returnValues: 'NONE',
      })
    } catch (error) {
      if (error instanceof ConditionalCheckFailedError) return
      throw error
    }
    this.deps.onWatched?.(userId, language)
  }

  /** Adds the film to the WATCHED summary: into its map, or a new map when there is none (whichever races wins, the other retries). */
  private async addToWatched(userId: string, movieId: number): Promise<void> {
    const key = watchedSummaryKey(userId)
    const conditional = async (opts: { update: string; condition: string; names?: Record<string, string>; values: Record<string, unknown> }) => {
      try {
        await this.deps.db.update(this.deps.table, key, { ...opts, returnValues: 'NONE' })
        return true
      } catch (error) {
        if (error instanceof ConditionalCheckFailedError) return undefined
        throw error
      }
    }
    // Creating the summary is creating user data: beside the tombstone check, like every such write.
    const create = async () =>
      (await writeUnlessDeleted(this.deps.db, this.deps.table, userId, {
        update: { table: this.deps.table, key, update: 'SET ids = :ids', condition: 'attribute_not_exists(ids)', values: { ':ids': { [String(movieId)]: true } } },
      })) || undefined
    await retryOptimistic(async () => (await conditional({ update: 'SET ids.#m = :t', condition: 'attribute_exists(ids)', names: { '#m': String(movieId) }, values: { ':t': true } })) ?? (await create()))
  }

  /** The ids of the films the viewer watched to the end (the cards' "Watched" marks). */
  async watchedIds(userId: string): Promise<Set<number>> {
    const summary = await this.deps.db.get<WatchedSummaryItem>(this.deps.table, watchedSummaryKey(userId))
    return new Set(Object.keys(summary?.ids ?? {}).map(Number))
  }

  /** "Clear watch history": every position and watched mark of the viewer, gone; their picks recomputed. */
  async clearHistory(userId: string, language?: string): Promise<void> {
    const items = await this.exportUser(userId)
    const keys = [...items.map((item) => ({ pk: item.pk, sk: item.sk })), watchedSummaryKey(userId)]
    await this.deps.db.batchWrite(this.deps.table, keys.map((key) => ({ delete: key })))
    this.deps.onWatched?.(userId, language)
  }

  /** Takes the film out of Continue watching (its position stays, for Resume); a later report may bring it back. */
  async remove(userId: string, movieId: number): Promise<void> {
    await this.deps.db
      .update(this.deps.table, this.key(userId, movieId), { update: 'REMOVE gsi2pk, gsi2sk', condition: 'attribute_exists(pk)', returnValues: 'NONE' })
      .catch((error: unknown) => {
        // Nothing to take out: no progress for this film.
        if (!(error instanceof ConditionalCheckFailedError)) throw error
      })
  }

  /** Where to start the film: the stored position when it is worth resuming, else 0. */
  async resumeAt(userId: string, movieId: number): Promise<number> {
    const item = await this.deps.db.get<ProgressItem>(this.deps.table, this.key(userId, movieId))
    return item && isResumable(item.position, item.duration) ? item.position : 0
  }

  /** The viewer's resumable films, most recent first (one Query of the sparse index, the cards from the catalog). */
  async continueWatching(userId: string, options: CatalogOptions = {}, limit = CONTINUE_WATCHING_SIZE): Promise<ContinueWatching[]> {
    const { items } = await this.deps.db.query<ProgressItem>(this.deps.table, {
      index: 'gsi2',
      keyCondition: 'gsi2pk = :pk',
      values: { ':pk': watchingPk(userId) },
      forward: false,
      limit,
    })
    const hasVideo = this.deps.hasVideo
    const playable = hasVideo ? (await Promise.all(items.map(async (item) => ((await hasVideo(item.movie_id)) ? [item] : [])))).flat() : items
    if (playable.length === 0) return []
    const movies = new Map((await this.deps.catalog.many(playable.map((item) => item.movie_id), options)).map((movie) => [movie.id, movie]))
    return playable.flatMap((item) => {
      const movie = movies.get(item.movie_id)
      return movie ? [{ ...movie, position: item.position, duration: item.duration, updated_at: item.at }] : []
    })
  }

  /**
   * What the viewer watched here, for their recommendations: watched (to the end, ever), resumed (part-way, worth
   * resuming) or abandoned (left under 10 % a week ago); a film just started is neither.
   */
  async history(userId: string): Promise<Array<{ movieId: number; state: WatchState; at: number }>> {
    const now = this.now
    return (await this.exportUser(userId)).flatMap((item) => {
      const state: WatchState | null = watchStateOf(item, now)
      return state ? [{ movieId: item.movie_id, state, at: Date.parse(item.watched_at ?? item.at) }] : []
    })
  }

  /**
   * How much of a video its viewers watched, on average, over the latest `viewers` of them since `since` (a film
   * watched to the end counts whole); null when nobody has. One bounded Query of the video's viewers (gsi1).
   */
  async averageWatched(videoId: string, since: string, viewers: number): Promise<number | null> {
    const { items } = await this.deps.db.query<Pick<ProgressItem, 'position' | 'duration' | 'watched_at'>>(this.deps.table, {
      index: 'gsi1',
      keyCondition: 'gsi1pk = :pk AND gsi1sk >= :from',
      values: { ':pk': viewersPk(videoId), ':from': since },
      forward: false,
      limit: viewers,
    })
    if (items.length === 0) return null
    const fractions = items.map((item) => (item.watched_at || isWatched(item.position, item.duration) ? 1 : item.duration > 0 ? item.position / item.duration : 0))
    return fractions.reduce((a, b) => a + b, 0) / fractions.length
  }

  /** Every progress item of the user (export). */
  exportUser(userId: string): Promise<ProgressItem[]> {
    return this.deps.db.queryAll<ProgressItem>(this.deps.table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': PROGRESS_PREFIX },
    })
  }
}
