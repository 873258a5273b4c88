import type { Limit, Throttle } from '../accounts/throttle'
import type { Config } from '../config'
import { errors } from '../http/errors'
import type { PlayableVideo } from '../videos'
import type { PlaybackAnalytics } from './analytics'
import { mintPlaybackToken } from './token'

/** The contract's answer to `POST /api/v1/movies/:id/playback`. */
export interface Playback {
  /** `/media/t/<token>/<videoId>/v1/master-r1.m3u8`: the master playlist; every URI in it is relative, so it inherits the token. */
  hls: string
  /** The progressive MP4 (what plays without JavaScript), under the same token. */
  mp4: string
  expires_at: string
  /** Where to start, in seconds: where the viewer stopped when worth resuming (src/progress/), else 0. */
  resume_at: number
  audio: string[]
  subtitles: string[]
}

/** A start: the contract's answer, and what the watch page shows beside the player. */
export interface StartedPlayback {
  playback: Playback
  /** The video played (the player's events name it). */
  videoId: string
  /** The still under the same token, and the video's licence and credit. */
  poster: string
  license: string
  credit: string | null
}

/** More than 30 starts per viewer in any 10 minutes is not someone watching. */
export const PLAYBACK_LIMIT: Limit = { name: 'playback-viewer', limit: 30, windowSeconds: 600 }

export interface PlaybackDeps {
  videos: { playable(movieId: number): Promise<PlayableVideo | null> }
  throttle: Pick<Throttle, 'reserve'>
  config: Pick<Config, 'jwtSecret' | 'PLAYBACK' | 'PLAYBACK_TOKEN_TTL_SECONDS'>
  /** The request's client key (src/http/client-key.ts): an anonymous viewer's limit is their client's. */
  client?: string
  /** Where a member stopped in the film (src/progress/): the start's resume_at. */
  resumeAt?: (userId: string, movieId: number) => Promise<number>
  /** The players' events and what operators learn from them (src/playback/analytics.ts). */
  analytics?: PlaybackAnalytics
  now?: () => number
}

/** Starting playback: a fresh media token per call (src/playback/token.ts), and the URLs it opens. */
export class PlaybackService {
  constructor(private readonly deps: PlaybackDeps) {}

  /** Starts, completions and rebuffers, and the figures /admin/videos shows. */
  get analytics(): PlaybackAnalytics {
    if (!this.deps.analytics) throw new Error('playback analytics are not wired')
    return this.deps.analytics
  }

  /** Whether visitors without an account may watch (PLAYBACK=public). */
  get open(): boolean {
    return this.deps.config.PLAYBACK === 'public'
  }

  /** For `userId` (null: an anonymous visitor, when the route lets one watch). 404 `video_not_found` when the film has no ready, published video; 429 past PLAYBACK_LIMIT. */
  async start(userId: string | null, movieId: number): Promise<StartedPlayback> {
    const subject = userId ? `user:${userId}` : `client:${this.deps.client ?? 'unknown'}`
    await this.deps.throttle.reserve(PLAYBACK_LIMIT, subject)
    const video = await this.deps.videos.playable(movieId)
    if (!video) throw errors.videoNotFound()
    const expires = Math.floor((this.deps.now ?? Date.now)() / 1000) + this.deps.config.PLAYBACK_TOKEN_TTL_SECONDS
    const [token, resumeAt] = await Promise.all([
      mintPlaybackToken(this.deps.config.jwtSecret, { videoId: video.videoId, viewer: userId ?? 'anonymous', expires }),
      userId && this.deps.resumeAt ? this.deps.resumeAt(userId, movieId) : 0,
    ])
    const base = `/media/t/${token}/${video.videoId}/`
    return {
      playback: {
        hls: `${base}${video.master}`,
        mp4: `${base}${video.mp4}`,
        expires_at: new Date(expires * 1000).toISOString(),
        resume_at: resumeAt,
        audio: video.audio,
        subtitles: video.subtitles,
      },
      videoId: video.videoId,
      poster: `${base}${video.poster}`,
      license: video.license,
      credit: video.credit,
    }
  }
}
