import type { Outbox } from '../events/outbox'
import { events } from '../events/schema'
import type { MediaStore } from '../media/store'
import type { HlsOutputs } from './hls'
import { publishMaster } from './master-file'
import { VideoStateError, type VideoItem, type VideoStore } from './store'

/** What the transcoder may do with a `video.uploaded` message, decided from the row (the message may be stale). */
export type Claim =
  | { kind: 'work'; item: VideoItem }
  /** Nothing to do: the video is gone, done, or the message belongs to an older attempt. Acknowledge it. */
  | { kind: 'skip'; reason: string }

/** A queued video with no transcoder's sign of life for this long is announced again (and shown as waiting for one). */
export const STALE_QUEUED_MS = 10 * 60_000

/** How often a running job says it is alive, whatever it is doing (src/transcoder/job.ts). */
export const HEARTBEAT_MS = 60_000
/** A heartbeat younger than this (three beats) means its job is alive. */
export const JOB_ALIVE_MS = 3 * HEARTBEAT_MS

/** The reason a video fails when its message comes for the last allowed time (a crash loop ends here). */
export const STOPPED_ON_FILE = 'the transcoder stopped on this file'

/**
 * The transcoder's writes to the video rows: each conditional on the state it leaves, so a redelivered or stale
 * message, a cancel or a delete racing a job never leaves a row half-way or `transcoding` for ever.
 */
export class TranscodeJobs {
  constructor(
    // Only playlists are written here: through the media store, or the transcoder's signed routes on Workers.
    private readonly deps: { store: VideoStore; outbox: Outbox; media: Pick<MediaStore, 'put'>; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date()
  }

  /**
   * Takes the job: `queued` → `transcoding` for the message's attempt. A message redelivered after a crash finds
   * the video `transcoding` for the same attempt and starts again from scratch (outputs are overwritten in place).
   * On its last allowed delivery the video fails instead of starting once more. A job whose heartbeat is fresh is
   * left alone: the message came back while it runs (a film over 4 hours outlasts SQS's 12-hour visibility, or a
   * re-announcement crossed it), and a second encoder would only fight it for the same keys.
   */
  async claim(videoId: string, attempt: number, lastDelivery: boolean): Promise<Claim> {
    const item = await this.deps.store.get(videoId)
    if (!item || item.status === 'deleting') return { kind: 'skip', reason: 'the video is gone' }
    if (item.attempt !== attempt) return { kind: 'skip', reason: `attempt ${attempt} was superseded by ${item.attempt}` }
    if (item.status !== 'queued' && item.status !== 'transcoding') return { kind: 'skip', reason: `the video is ${item.status}` }
    if (item.status === 'transcoding' && item.heartbeat_at && this.now().getTime() - Date.parse(item.heartbeat_at) < JOB_ALIVE_MS) {
      return { kind: 'skip', reason: 'another transcoder is working on it' }
    }
    if (lastDelivery) {
      await this.fail(videoId, STOPPED_ON_FILE)
      return { kind: 'skip', reason: STOPPED_ON_FILE }
    }
    const heartbeat = this.now().toISOString()
    try {
      await this.deps.store.transition(videoId, [item.status], 'transcoding', { set: { progress: 0, error: null, heartbeat_at: heartbeat } }, this.now())
    } catch (error) {
      if (error instanceof VideoStateError) return { kind: 'skip', reason: 'the video changed state meanwhile' }
      throw error
    }
    return { kind: 'work', item: { ...item, status: 'transcoding', progress: 0, error: null } }
  }

  /**
   * The fraction done, and a heartbeat the re-publisher reads (a `transcoding` row that stops beating is stuck).
   * False once the video is no longer this job's (cancelled, deleted, failed): the job stops there.
   */
  async progress(videoId: string, fraction: number): Promise<boolean> {
    try {
      const set = { progress: Math.round(fraction * 1000) / 1000, heartbeat_at: this.now().toISOString() }
      await this.deps.store.transition(videoId, ['transcoding'], 'transcoding', { set, keepUpdatedAt: true }, this.now())
      return true
    } catch (error) {
      if (error instanceof VideoStateError) return false
      throw error
    }
  }

  /**
   * A job that stops without an outcome (the store unreachable, ffmpeg killed, the transcoder stopping) lets go of
   * the video, so its message's next delivery takes it at once instead of waiting for the heartbeat to age.
   */
  async release(videoId: string): Promise<void> {
    await this.deps.store.transition(videoId, ['transcoding'], 'transcoding', { remove: ['heartbeat_at'], keepUpdatedAt: true }, this.now()).catch((error: unknown) => {
      if (!(error instanceof VideoStateError)) throw error
    })
  }

  /** `failed` with a short reason an operator reads (never ffmpeg's output, which may quote the file). */
  async fail(videoId: string, reason: string): Promise<void> {
    await this.deps.store.transition(videoId, ['queued', 'transcoding'], 'failed', { set: { error: reason, progress: 0 }, remove: ['heartbeat_at'] }, this.now()).catch((error: unknown) => {
      if (!(error instanceof VideoStateError)) throw error
    })
  }

  /**
   * The outputs are stored: the master goes up (with the subtitles the row has now), then the row turns `ready`
   * with `video.ready` in the same transaction, on condition that nothing changed the row meanwhile. A subtitle
   * stored while the master went up fails that condition: the master is written again with it, and so on.
   */
  async ready(videoId: string, outputs: HlsOutputs): Promise<boolean> {
    for (let tries = 0; tries < 5; tries++) {
      const item = await this.deps.store.get(videoId)
      if (!item || item.status !== 'transcoding') return false
      const revision = (item.master_revision ?? 0) + 1
      const subtitles = item.subtitle_files ?? {}
      await publishMaster(this.deps.media, videoId, outputs, subtitles, revision)
      const staged = this.deps.outbox.stage(events.videoReady(item.created_by ?? 'operator', videoId, item.movie_id))
      const set = {
        hls: outputs,
        master_revision: revision,
        master_subtitles: subtitles,
        duration: outputs.duration,
        renditions: outputs.renditions.map((r) => ({ height: r.height, bandwidth: r.bandwidth })),
        audio: outputs.audio.map((a) => a.lang),
        progress: 1,
        error: null,
        ready_at: this.now().toISOString(),
      }
      try {
        await this.deps.store.transition(videoId, ['transcoding'], 'ready', { set, remove: ['heartbeat_at'], extra: staged.writes, unchangedSince: item.updated_at }, this.now())
      } catch (error) {
        if (error instanceof VideoStateError) continue // changed meanwhile: read it again (gone or cancelled ends above)
        throw error
      }
      staged.release()
      return true
    }
    throw new Error(`video ${videoId} kept changing while its master was written`)
  }

  /**
   * Videos `queued` or `transcoding` for longer than `staleMs` with no transcoder's heartbeat (a job beats every
   * minute, whatever it is doing) get their `video.uploaded` again (the same attempt, through the outbox): a local
   * queue lives in memory and forgets its messages when it restarts, and a transcoder killed mid-job leaves its row
   * `transcoding`. Returns the ids re-published.
   */
  async republishStale(staleMs = STALE_QUEUED_MS): Promise<string[]> {
    const cutoff = this.now().getTime() - staleMs
    // The last sign of life: a job's heartbeat, the last announcement, or being queued.
    const lastSign = (item: VideoItem) => Math.max(...[item.heartbeat_at, item.announced_at, item.queued_at ?? item.updated_at].map((at) => (at ? Date.parse(at) : 0)))
    const waiting = (item: VideoItem) => (item.status === 'queued' || item.status === 'transcoding') && lastSign(item) < cutoff
    const stale = (await this.deps.store.list()).filter(waiting)
    const sent: string[] = []
    for (const item of stale) {
      const staged = this.deps.outbox.stage(events.videoUploaded(item.created_by ?? 'operator', item.id, Math.max(1, item.ladder), item.attempt))
      try {
        // Touching the row (conditional on `queued`) makes the next round wait another staleMs. Its updated_at stays
        // when it was queued: how long the video has waited, which the admin list shows (waitingForTranscoder).
        // Not a heartbeat: the job that takes the message must not mistake it for another's.
        await this.deps.store.transition(item.id, [item.status], item.status, { set: { announced_at: this.now().toISOString() }, extra: staged.writes, keepUpdatedAt: true }, this.now())
      } catch (error) {
        if (error instanceof VideoStateError) continue
        throw error
      }
      staged.release()
      sent.push(item.id)
    }
    return sent
  }

  /**
   * Rewrites a ready video's master when its subtitle files differ from those its current master lists (the app
   * calls this after storing a subtitle; one stored while the job ran is in the master `ready` wrote). Conditional
   * on the revision it read, so two writers never both claim the same revision. A writer that loses the claim may
   * have overwritten the winner's files of that revision (two subtitles stored at once, its write landing last): it
   * writes them again from what the row says that revision lists before it looks again.
   */
  async refreshMaster(videoId: string): Promise<void> {
    for (let tries = 0; tries < 5; tries++) {
      const item = await this.deps.store.get(videoId)
      if (!item || item.status !== 'ready' || !item.hls) return
      const subtitles = item.subtitle_files ?? {}
      if (sameFiles(subtitles, item.master_subtitles ?? {})) return
      const revision = (item.master_revision ?? 0) + 1
      await publishMaster(this.deps.media, videoId, item.hls, subtitles, revision)
      if (await this.deps.store.bumpMaster(videoId, item.master_revision ?? 0, revision, subtitles, this.now())) return
      const winner = await this.deps.store.get(videoId)
      if (winner?.status === 'ready' && winner.hls && winner.master_revision === revision) {
        await publishMaster(this.deps.media, videoId, winner.hls, winner.master_subtitles ?? {}, revision)
      }
    }
    // Five writers in a row got there first: each of them lists what it saw, and the last of them all of it.
  }
}

const sameFiles = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([lang, key]) => b[lang] === key)
