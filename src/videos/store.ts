import { ConditionalCheckFailedError, TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import { retryOptimistic } from '../shared/conflict-retry'
import { LIBRARY_PK, uploaderKey, VIDEO_SK_PREFIX, videoKey } from './keys'
import type { HlsOutputs } from './hls'
import { MAX_UPLOADING_PER_OPERATOR, type Video, type VideoStatus } from './types'

/** A video row as stored: the API's Video plus what only the app and the transcoder read. */
export interface VideoItem extends Omit<Video, 'parts'> {
  pk: string
  sk: string
  entity: 'video'
  /** Parts received, by number (a map, so a part is recorded with one conditional update). */
  parts: Record<string, { size: number; etag: string }>
  /** The media store's multipart upload, while `uploading` (and until a cancelled or deleted one is aborted). */
  upload_id?: string
  /** The ladder the transcoder writes (`v<ladder>/`) and how many times it was asked to (a retry counts). */
  ladder: number
  attempt: number
  /** When it last became ready: the newest ready video of a film is the one shown. */
  ready_at?: string
  /** Subtitle files by language, relative to the ladder's folder (`subtitles/en-<hash>.vtt`). */
  subtitle_files?: Record<string, string>
  /** A ready video's outputs (what its master playlist is written from), its master's revision and the subtitle files that master lists. */
  hls?: HlsOutputs
  master_revision?: number
  master_subtitles?: Record<string, string>
  /** A running job's last sign of life (progress every 5 s while encoding, a beat every minute whatever it does). */
  heartbeat_at?: string
  /** When the re-publisher last announced the video again (TranscodeJobs.republishStale). */
  announced_at?: string
  /** When it last became `queued` (complete, retry): a video queued for long shows as waiting for a transcoder. */
  queued_at?: string
}

/** A write that found the video in another state than it needs (e.g. a part for an upload already completed). */
export class VideoStateError extends Error {
  override name = 'VideoStateError'
}

/** The operator already has MAX_UPLOADING_PER_OPERATOR uploads under way. */
export class TooManyUploadsError extends Error {
  override name = 'TooManyUploadsError'
}

/** Decrements the operator's count of uploads under way (with a video leaving `uploading`). */
const leaveUploading = (table: string, userId: string | null): TransactItem[] =>
  userId ? [{ update: { table, key: uploaderKey(userId), update: 'ADD uploading :minus', values: { ':minus': -1 } } }] : []

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedError || (error instanceof TransactionCanceledError && error.reasons.includes('ConditionalCheckFailed'))

/** The video rows (src/videos/keys.ts): every state change is conditional on the state it leaves. */
export class VideoStore {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
  ) {}

  /** Stores a new `uploading` video and counts it against its operator's cap, in one transaction. */
  async create(item: VideoItem): Promise<void> {
    const uploader = item.created_by!
    try {
      await this.transact([
        { put: { table: this.table, item: { ...item }, condition: 'attribute_not_exists(pk)' } },
        {
          update: {
            table: this.table,
            key: uploaderKey(uploader),
            update: 'SET uploading = if_not_exists(uploading, :zero) + :one',
            condition: 'attribute_not_exists(uploading) OR uploading < :max',
            values: { ':zero': 0, ':one': 1, ':max': MAX_UPLOADING_PER_OPERATOR },
          },
        },
      ])
    } catch (error) {
      if (error instanceof TransactionCanceledError && error.reasons[1] === 'ConditionalCheckFailed') throw new TooManyUploadsError()
      throw error
    }
  }

  async get(videoId: string): Promise<VideoItem | undefined> {
    return this.db.get<VideoItem>(this.table, videoKey(videoId), { consistent: true })
  }

  /** Every video, newest first (ids start with their creation time). */
  async list(opts: { consistent?: boolean } = {}): Promise<VideoItem[]> {
    return this.db.queryAll<VideoItem>(this.table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
      values: { ':pk': LIBRARY_PK, ':prefix': VIDEO_SK_PREFIX },
      forward: false,
      consistent: opts.consistent ?? true,
    })
  }

  /** What a film's answer needs of every video (the ready-video map's read, every 30 s per isolate): not the parts. */
  async listShown(): Promise<VideoItem[]> {
    return this.db.queryAll<VideoItem>(this.table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
      values: { ':pk': LIBRARY_PK, ':prefix': VIDEO_SK_PREFIX },
      projection: 'id, movie_id, #status, published, #duration, license, credit, ready_at, updated_at',
      names: { '#status': 'status', '#duration': 'duration' },
    })
  }

  /** Records part `n` of an upload under way (a repeated part replaces the record). */
  async recordPart(videoId: string, n: number, part: { size: number; etag: string }, now = new Date()): Promise<void> {
    await this.conditional(() =>
      this.db.update(this.table, videoKey(videoId), {
        update: 'SET parts.#n = :part, updated_at = :now',
        condition: '#status = :uploading',
        names: { '#n': String(n), '#status': 'status' },
        values: { ':part': part, ':now': now.toISOString(), ':uploading': 'uploading' },
        returnValues: 'NONE',
      }),
    )
  }

  /** Drops part `n`'s record (its bytes failed their check): it counts as missing until sent again. */
  async forgetPart(videoId: string, n: number): Promise<void> {
    await this.db.update(this.table, videoKey(videoId), { update: 'REMOVE parts.#n', names: { '#n': String(n) }, returnValues: 'NONE' })
  }

  /**
   * Moves the video from `from` to `to` with `set` (field → value) and `remove` (fields), plus `extra` writes in the
   * same transaction (the outbox's event, the uploader count). VideoStateError when it is no longer in `from`.
   */
  async transition(
    videoId: string,
    from: VideoStatus[],
    to: VideoStatus,
    change: {
      set?: Record<string, unknown>
      remove?: string[]
      extra?: TransactItem[]
      /** bookkeeping no one reads as a change (a heartbeat, a re-announcement) */
      keepUpdatedAt?: boolean
      /** only if nothing changed the row since this updated_at (subtitles or an operator's edit) */
      unchangedSince?: string
    } = {},
    now = new Date(),
  ): Promise<void> {
    const set = { ...change.set, status: to, ...(change.keepUpdatedAt ? {} : { updated_at: now.toISOString() }) }
    const names: Record<string, string> = {}
    const values: Record<string, unknown> = {}
    const assignments = Object.entries(set).map(([field, value], i) => {
      names[`#f${i}`] = field
      values[`:v${i}`] = value
      return `#f${i} = :v${i}`
    })
    const removals = (change.remove ?? []).map((field, i) => {
      names[`#r${i}`] = field
      return `#r${i}`
    })
    names['#status'] = 'status'
    let condition = `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`
    from.forEach((status, i) => (values[`:from${i}`] = status))
    if (change.unchangedSince !== undefined) {
      names['#seen'] = 'updated_at'
      values[':seen'] = change.unchangedSince
      condition += ' AND #seen = :seen'
    }
    const update = `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`
    const write: TransactItem = { update: { table: this.table, key: videoKey(videoId), update, condition, names, values } }
    await this.conditional(() => this.transact([write, ...(change.extra ?? [])]))
  }

  /** Fields an operator edits (label, licence, credit, published) or the transcoder reports (progress). */
  async setFields(videoId: string, fields: Record<string, unknown>, now = new Date()): Promise<VideoItem> {
    const entries = Object.entries({ ...fields, updated_at: now.toISOString() })
    const names = Object.fromEntries(entries.map(([field], i) => [`#f${i}`, field]))
    const values = Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value]))
    const item = await this.conditional(() =>
      this.db.update<VideoItem>(this.table, videoKey(videoId), {
        update: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        condition: 'attribute_exists(pk) AND #status <> :deleting',
        names: { ...names, '#status': 'status' },
        values: { ...values, ':deleting': 'deleting' },
      }),
    )
    return item!
  }

  /**
   * Records a language's subtitle file (and the list of languages the API shows), unless the video is being deleted.
   * Read, then written on condition that nothing else wrote the row meanwhile (two uploads at once both land).
   */
  async setSubtitleFile(videoId: string, lang: string, file: string, now = new Date()): Promise<void> {
    await retryOptimistic(async () => {
      const item = await this.get(videoId)
      if (!item || item.status === 'deleting') throw new VideoStateError('the video is being deleted')
      const files = { ...item.subtitle_files, [lang]: file }
      try {
        await this.db.update(this.table, videoKey(videoId), {
          update: 'SET subtitle_files = :files, subtitles = :langs, updated_at = :now',
          condition: '#status <> :deleting AND updated_at = :seen',
          names: { '#status': 'status' },
          values: { ':files': files, ':langs': Object.keys(files).sort(), ':now': now.toISOString(), ':seen': item.updated_at, ':deleting': 'deleting' },
          returnValues: 'NONE',
        })
        return true as const
      } catch (error) {
        if (isConditionFailure(error)) return undefined
        throw error
      }
    })
  }

  /** A new master revision, if the row is still at `from` (another writer that got there first wins). */
  async bumpMaster(videoId: string, from: number, to: number, subtitles: Record<string, string>, now = new Date()): Promise<boolean> {
    try {
      await this.db.update(this.table, videoKey(videoId), {
        update: 'SET master_revision = :to, master_subtitles = :subs, updated_at = :now',
        condition: `#status = :ready AND (master_revision = :from${from === 0 ? ' OR attribute_not_exists(master_revision)' : ''})`,
        names: { '#status': 'status' },
        values: { ':to': to, ':from': from, ':subs': subtitles, ':now': now.toISOString(), ':ready': 'ready' },
        returnValues: 'NONE',
      })
      return true
    } catch (error) {
      if (isConditionFailure(error)) return false
      throw error
    }
  }

  /** Removes a `deleting` row once the deletion job has emptied its prefix. */
  async remove(videoId: string): Promise<void> {
    await this.conditional(() =>
      this.db.delete(this.table, videoKey(videoId), { condition: '#status = :deleting', names: { '#status': 'status' }, values: { ':deleting': 'deleting' } }),
    )
  }

  /**
   * Sets the operator's count of uploads under way to what their rows say (it is kept in the same transactions as
   * the rows, so it drifts only through a bug or a hand edit). True when that changed it.
   */
  async recountUploading(userId: string): Promise<boolean> {
    const actual = (await this.list()).filter((item) => item.created_by === userId && item.status === 'uploading').length
    const counter = await this.db.get<{ uploading?: number }>(this.table, uploaderKey(userId), { consistent: true })
    if ((counter?.uploading ?? 0) === actual) return false
    await this.db
      .update(this.table, uploaderKey(userId), {
        update: 'SET uploading = :actual',
        condition: 'attribute_not_exists(uploading) OR uploading = :seen',
        values: { ':actual': actual, ':seen': counter?.uploading ?? 0 },
        returnValues: 'NONE',
      })
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error
      })
    return true
  }

  /** The uploader count's decrement, for a transition out of `uploading`. */
  leaveUploading(userId: string | null): TransactItem[] {
    return leaveUploading(this.table, userId)
  }

  /** An operator's account is erased: their videos stay, `created_by` anonymised; their uploader count goes. */
  async anonymise(userId: string): Promise<void> {
    for (const item of await this.list()) {
      if (item.created_by !== userId) continue
      await this.db
        .update(this.table, videoKey(item.id), {
          update: 'SET created_by = :nobody',
          condition: 'created_by = :user',
          values: { ':nobody': null, ':user': userId },
          returnValues: 'NONE',
        })
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error
        })
    }
    await this.db.delete(this.table, uploaderKey(userId))
  }

  /** An operator's transactions share their UPLOADER# item: two at once (two tabs, the CLI) conflict, and are retried. */
  private transact(items: TransactItem[]): Promise<true> {
    return retryOptimistic(async () => {
      await this.db.transactWrite(items)
      return true as const
    })
  }

  private async conditional<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (error) {
      if (isConditionFailure(error)) throw new VideoStateError('the video is not in a state that allows this')
      throw error
    }
  }
}
