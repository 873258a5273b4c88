/**
 * What operators learn about their videos (`POST /api/v1/me/playback-events`, the /admin/videos figures): starts,
 * completions and rebuffers summed into one counter item per video and day, and how much of a video its viewers
 * watch, from their progress (src/progress/). Counted once each: a retried event (same viewer, video, kind and `at`)
 * adds nothing, and a rebuffer counts at most once per 10 s per viewer and video.
 *
 *   VIDEOSTATS#<videoId> / DAY#<yyyy-mm-dd>        starts, completes, rebuffers (ADD)
 *   USER#<userId> / PLAYEVENT#<videoId>#<kind>#<at> one event, so a retry is not counted twice (expires_at: 31 days,
 *                                                 past the oldest `at` an event may carry)
 *   USER#<userId> / REBUFFER#<videoId>              the last rebuffer counted (expires_at: 1 day)
 */
import type { Limit, Throttle } from '../accounts/throttle'
import { writeUnlessDeleted } from '../accounts/tombstone'
import type { DataStore } from '../data/store'
import { errors } from '../http/errors'
import { clampReportTime } from '../progress/rules'
import { userPk } from '../shared/keys'

export const PLAYBACK_EVENTS = ['start', 'complete', 'rebuffer'] as const
export type PlaybackEvent = (typeof PLAYBACK_EVENTS)[number]

/** A player sends a start, a completion and the odd rebuffer: 30 a minute is far past that. */
export const EVENTS_LIMIT: Limit = { name: 'playback-events-viewer', limit: 30, windowSeconds: 60 }
export const REBUFFER_GAP_MS = 10_000
/** The figures cover this many days, and the watched fraction at most this many viewers' progress. */
export const STATS_DAYS = 30
export const STATS_VIEWERS = 1000

const statsPk = (videoId: string) => `VIDEOSTATS#${videoId}`
const daySk = (day: string) => `DAY#${day}`
const COUNTER: Record<PlaybackEvent, string> = { start: 'starts', complete: 'completes', rebuffer: 'rebuffers' }

/** One video's last 30 days; null where there is nothing to divide by. */
export interface VideoStats {
  starts: number
  /** Completions per start. */
  completionRate: number | null
  /** How much of the video its viewers watched, on average (a film watched to the end counts whole). */
  averageWatched: number | null
  rebuffersPerStart: number | null
}

export interface AnalyticsDeps {
  db: DataStore
  table: string
  throttle: Pick<Throttle, 'reserve'>
  /** Whether the video exists and is ready (the events of any other are refused). */
  isReady(videoId: string): Promise<boolean>
  /** How much of the video its viewers since `since` watched, on average (watch progress: ProgressService.averageWatched). */
  averageWatched(videoId: string, since: string, viewers: number): Promise<number | null>
  now?: () => number
}

export class PlaybackAnalytics {
  constructor(private readonly deps: AnalyticsDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)()
  }

  /** 404 `video_not_found` for a video that is not ready, 429 past EVENTS_LIMIT; otherwise counted (once). */
  async record(userId: string, report: { videoId: string; event: PlaybackEvent; at?: string }): Promise<void> {
    await this.deps.throttle.reserve(EVENTS_LIMIT, `user:${userId}`)
    if (!(await this.deps.isReady(report.videoId))) throw errors.videoNotFound()
    const now = this.now
    const at = clampReportTime(report.at, now)
    const nowSeconds = Math.floor(now / 1000)
    // The gate that makes this event count once: its own marker, or for rebuffers the last one's time.
    const gate =
      report.event === 'rebuffer'
        ? {
            update: {
              table: this.deps.table,
              key: { pk: userPk(userId), sk: `REBUFFER#${report.videoId}` },
              update: 'SET last_ms = :now, expires_at = :expires',
              condition: 'attribute_not_exists(last_ms) OR last_ms <= :gap',
              values: { ':now': now, ':gap': now - REBUFFER_GAP_MS, ':expires': nowSeconds + 86_400 },
            },
          }
        : {
            put: {
              table: this.deps.table,
              item: { pk: userPk(userId), sk: `PLAYEVENT#${report.videoId}#${report.event}#${at}`, expires_at: nowSeconds + 31 * 86_400 },
              condition: 'attribute_not_exists(pk)',
            },
          }
    // The gate, beside the account's tombstone check, decides whether the event counts; the day's counter, which every
    // viewer of the video shares, is then one plain ADD outside any transaction (transactions on it would conflict).
    // A gate that fails: counted already (a retry), or a rebuffer within 10 s of the last; accepted, not counted again.
    if (!(await writeUnlessDeleted(this.deps.db, this.deps.table, userId, gate))) return
    await this.deps.db.update(this.deps.table, { pk: statsPk(report.videoId), sk: daySk(at.slice(0, 10)) }, {
      update: 'ADD #counter :one SET video_id = :video',
      names: { '#counter': COUNTER[report.event] },
      values: { ':one': 1, ':video': report.videoId },
      returnValues: 'NONE',
    })
  }

  /** The last STATS_DAYS of each video: one Query of its day counters, and its viewers' progress (a bounded Query). */
  async stats(videoIds: readonly string[]): Promise<Map<string, VideoStats>> {
    const since = new Date(this.now - STATS_DAYS * 86_400_000).toISOString()
    const entries = await Promise.all(videoIds.map(async (videoId) => [videoId, await this.statsOf(videoId, since)] as const))
    return new Map(entries)
  }

  private async statsOf(videoId: string, since: string): Promise<VideoStats> {
    const [days, averageWatched] = await Promise.all([
      this.deps.db.query<{ starts?: number; completes?: number; rebuffers?: number }>(this.deps.table, {
        keyCondition: 'pk = :pk AND sk >= :from',
        values: { ':pk': statsPk(videoId), ':from': daySk(since.slice(0, 10)) },
        limit: STATS_DAYS + 1,
      }),
      this.deps.averageWatched(videoId, since, STATS_VIEWERS),
    ])
    const sum = (field: 'starts' | 'completes' | 'rebuffers') => days.items.reduce((total, day) => total + (day[field] ?? 0), 0)
    const starts = sum('starts')
    return {
      starts,
      completionRate: starts > 0 ? Math.min(1, sum('completes') / starts) : null,
      averageWatched,
      rebuffersPerStart: starts > 0 ? sum('rebuffers') / starts : null,
    }
  }
}
