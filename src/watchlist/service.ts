import type { Catalog, CatalogOptions, Movie } from '../catalog/types'
import { ConditionalCheckFailedError, TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import { events } from '../events/schema'
import type { Outbox } from '../events/outbox'
import { isTransactionConflict, retryOptimistic } from '../shared/conflict-retry'
import type { Defer } from '../platform'
import type { CursorCodec } from '../shared/cursor'
import { ListFull, NotFound } from '../shared/errors'
import { userPk } from '../shared/keys'
import {
  GENRE_PREFIX,
  WATCHLIST_MAX,
  WATCH_PREFIX,
  genrePk,
  listTimelinePk,
  listTimelineSk,
  watchSk,
  watchersPk,
  type GenreFollowItem,
  type WatchItem,
} from './keys'
import { listPage, movieOf, newestListed, type ListPage, type ListedMovie, type ListingDeps } from './listing'
import { listedIdsOf, readSummary, summaryAdd, summaryKey, summaryOf, summaryRemove } from './summary'
import { memoisedRead } from './list-memo'
import { notDeleted, throwIfDeleted } from '../accounts/tombstone'

export { movieOf, type ListPage, type ListedMovie }

export interface WatchlistDeps {
  db: DataStore
  table: string
  /** Checks that a film exists and supplies the cards of the list. */
  catalog: Pick<Catalog, 'details' | 'many'>
  /** Where the list's events go: staged in the write's transaction, published after it. */
  outbox: Outbox
  /** Signs the list's page cursors. */
  cursors: CursorCodec
  /** Stale snapshots are refreshed after the response. */
  defer: Defer
  /** Told after a real add or remove (recommendations recompute the user's picks). */
  onChanged?: (userId: string, language?: string) => void
}

/** Who is adding: the catalog answers in their language. */
export interface Lister {
  id: string
  language?: string
}

const uniqueGenres = (ids: number[]) => [...new Set(ids.filter((id) => Number.isInteger(id) && id > 0))]

/**
 * A user's list of films to watch, and the genre follows it implies. Every add and remove is one
 * TransactWriteItems (the list entry plus the genre counters), so the counters never drift.
 */
export class WatchlistService {
  private readonly db: DataStore
  private readonly table: string
  private readonly listing: ListingDeps

  constructor(private readonly deps: WatchlistDeps) {
    this.db = deps.db
    this.table = deps.table
    this.listing = { db: deps.db, table: deps.table, catalog: deps.catalog, cursors: deps.cursors, defer: deps.defer }
  }

  /**
   * Adds a film to the user's list: the film must exist (NotFound 'movie'), a second add keeps the
   * first added_at, a list of WATCHLIST_MAX films takes no more (ListFull), and only a real add
   * publishes `watchlist.added`. The entry keeps a snapshot of the film for the list's pages.
   */
  async add(user: Lister, movieId: number): Promise<{ movie: Movie; created: boolean; added_at: string }> {
    const details = await this.deps.catalog.details(movieId, user.language ? { language: user.language } : {})
    if (!details) throw new NotFound('movie')
    const movie = movieOf(details)
    const staged = this.deps.outbox.stage(events.watchlistAdded(user.id, movie.id))
    const { created, added_at } = await this.addEntry(user.id, movie, staged.writes)
    if (created) {
      staged.release()
      this.deps.onChanged?.(user.id, user.language)
    }
    return { movie, created, added_at }
  }

  /** Removes the film from the list if present (idempotent); true when this call removed it, and then publishes `watchlist.removed`. */
  async remove(userId: string, movieId: number): Promise<boolean> {
    const staged = this.deps.outbox.stage(events.watchlistRemoved(userId, movieId))
    const removed = await this.removeEntry(userId, movieId, staged.writes)
    if (removed) {
      staged.release()
      this.deps.onChanged?.(userId)
    }
    return removed
  }

  /** The list entry write: the film is known to exist. Idempotent. */
  private async addEntry(userId: string, movie: Movie, outboxWrites: TransactItem[] = []): Promise<{ created: boolean; added_at: string }> {
    const genres = uniqueGenres(movie.genre_ids)
    return retryOptimistic(async () => {
      const addedAt = new Date().toISOString()
      const item: WatchItem = {
        pk: userPk(userId),
        sk: watchSk(movie.id),
        gsi1pk: watchersPk(movie.id),
        gsi1sk: userPk(userId),
        user_id: userId,
        movie_id: movie.id,
        genre_ids: genres,
        added_at: addedAt,
        gsi2pk: listTimelinePk(userId),
        gsi2sk: listTimelineSk(addedAt, movie.id),
        movie,
        snapshot_at: addedAt,
      }
      const writes: TransactItem[] = [
        { put: { table: this.table, item, condition: 'attribute_not_exists(pk)' } },
        summaryAdd(this.table, userId, movie.id),
        ...genres.map((genreId) => this.genreCounter(userId, genreId, 1)),
        ...outboxWrites,
        // Last, so throwIfDeleted below finds it at writes.length - 1.
        await notDeleted(this.table, userId),
      ]
      try {
        await this.db.transactWrite(writes)
        return { created: true, added_at: addedAt }
      } catch (error) {
        throwIfDeleted(error, writes.length - 1)
        if (!(error instanceof TransactionCanceledError)) throw error
        if (error.conditionFailedAt(0)) {
          const existing = await this.entry(userId, movie.id)
          // Removed between our write and this read: try the add again.
          return existing ? { created: false, added_at: existing.added_at } : undefined
        }
        if (!error.conditionFailedAt(1)) throw error
        // The summary is missing (a first add, or a list older than summaries) or the list is full.
        if ((await summaryOf(this.db, this.table, userId, true)).count >= WATCHLIST_MAX) throw new ListFull(WATCHLIST_MAX)
        return undefined
      }
    })
  }

  private async removeEntry(userId: string, movieId: number, outboxWrites: TransactItem[] = []): Promise<boolean> {
    // A list older than summaries has none until its first add: its removes leave the summary out.
    let withSummary = true
    const removed = await retryOptimistic(async () => {
      const existing = await this.entry(userId, movieId)
      if (!existing) return { removed: false, genres: [] as number[] }
      const genres = uniqueGenres(existing.genre_ids ?? [])
      try {
        await this.db.transactWrite([
          {
            delete: {
              table: this.table,
              key: { pk: userPk(userId), sk: watchSk(movieId) },
              // Only the entry we read: a concurrent remove + re-add must not be counted twice.
              condition: 'added_at = :added',
              values: { ':added': existing.added_at },
            },
          },
          ...(withSummary ? [summaryRemove(this.table, userId, movieId)] : []),
          ...genres.map((genreId) => this.genreCounter(userId, genreId, -1)),
          ...outboxWrites,
        ])
        return { removed: true, genres }
      } catch (error) {
        if (error instanceof TransactionCanceledError && error.conditionFailedAt(0)) return undefined
        if (withSummary && error instanceof TransactionCanceledError && error.conditionFailedAt(1)) {
          withSummary = false
          return undefined
        }
        throw error
      }
    })
    if (removed.removed) await Promise.all(removed.genres.map((genreId) => this.dropFollowIfUnused(userId, genreId)))
    return removed.removed
  }

  /** The list entry, read strongly consistent (one GetItem: the details page's button state). */
  async entry(userId: string, movieId: number): Promise<WatchItem | undefined> {
    return this.db.get<WatchItem>(this.table, { pk: userPk(userId), sk: watchSk(movieId) }, { consistent: true })
  }

  async has(userId: string, movieId: number): Promise<boolean> {
    return (await this.entry(userId, movieId)) !== undefined
  }

  /** The user's entries, newest first. */
  async entries(userId: string): Promise<WatchItem[]> {
    const items = await this.db.queryAll<WatchItem>(this.table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': WATCH_PREFIX },
      consistent: true,
    })
    return items.sort((a, b) => b.added_at.localeCompare(a.added_at) || b.movie_id - a.movie_id)
  }

  /** Ids on the user's list, for marking cards as listed: one GetItem of the list's summary. */
  async listedIds(userId: string): Promise<Set<number>> {
    return listedIdsOf(this.db, this.table, userId)
  }

  /** How many films the list holds (the summary's count). */
  async count(userId: string): Promise<number> {
    return (await summaryOf(this.db, this.table, userId)).count
  }

  /** One page of the list (60 films), newest first, from the entries' snapshots; `cursor` continues after the previous page. */
  async page(userId: string, request: { page?: number; cursor?: string }, options?: CatalogOptions, pageSize?: number): Promise<ListPage & { total: number }> {
    // The time-ordered index only lists entries of lists with a summary (older entries get their keys when it is made).
    const summary = await summaryOf(this.db, this.table, userId)
    // A numbered page (not a cursor's) of an unchanged list is the one this isolate read last time.
    const found = request.cursor
      ? listPage(this.listing, userId, request, options, pageSize)
      : memoisedRead(userId, summary, `page\u0000${request.page ?? 1}\u0000${pageSize}\u0000${options?.language ?? ''}`, () =>
          listPage(this.listing, userId, request, options, pageSize, summary),
        )
    return { ...(await found), total: summary.count }
  }

  /** The newest films of the list (the home page's row): one Query, no catalog calls; none when the list did not change since this isolate read it. */
  async newest(userId: string, limit: number, options?: CatalogOptions): Promise<ListedMovie[]> {
    const summary = await readSummary(this.db, this.table, userId)
    return memoisedRead(userId, summary, `newest\u0000${limit}\u0000${options?.language ?? ''}`, () => newestListed(this.listing, userId, limit, options, summary))
  }

  /** Which of `movieIds` the user has listed (one BatchGetItem). */
  async listedAmong(userId: string, movieIds: number[]): Promise<Set<number>> {
    if (movieIds.length === 0) return new Set()
    const items = await this.db.batchGet<Pick<WatchItem, 'movie_id'>>(
      this.table,
      movieIds.map((id) => ({ pk: userPk(userId), sk: watchSk(id) })),
    )
    return new Set(items.map((item) => item.movie_id))
  }

  /** Users with film `movieId` on their list (release alerts). */
  async watchersOf(movieId: number): Promise<string[]> {
    const items = await this.db.queryAll<Pick<WatchItem, 'user_id'>>(this.table, {
      index: 'gsi1',
      keyCondition: 'gsi1pk = :pk',
      values: { ':pk': watchersPk(movieId) },
      projection: 'user_id',
    })
    return items.map((item) => item.user_id)
  }

  /** Users who follow genre `genreId` (at least one film of it on their list). */
  async followersOfGenre(genreId: number): Promise<string[]> {
    const items = await this.db.queryAll<Pick<GenreFollowItem, 'user_id'>>(this.table, {
      keyCondition: 'pk = :pk',
      filter: 'listed_count > :zero',
      values: { ':pk': genrePk(genreId), ':zero': 0 },
      projection: 'user_id',
    })
    return items.map((item) => item.user_id)
  }

  /** Genres a user follows through their list. */
  async followedGenres(userId: string): Promise<number[]> {
    return (await this.follows(userId)).filter((item) => item.listed_count > 0).map((item) => item.genre_id)
  }

  private follows(userId: string): Promise<GenreFollowItem[]> {
    return this.db.queryAll<GenreFollowItem>(this.table, {
      index: 'gsi1',
      keyCondition: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': GENRE_PREFIX },
    })
  }

  /** Account deletion: every watchlist entry and genre follow of the user. */
  async eraseUser(userId: string): Promise<void> {
    const [entries, follows] = await Promise.all([this.entries(userId), this.follows(userId)])
    // The index lags writes, so the entries' own genres name follows it may not show yet.
    const keys = new Map<string, { pk: string; sk: string }>()
    for (const item of [...entries, ...follows, summaryKey(userId)]) keys.set(`${item.pk}|${item.sk}`, { pk: item.pk, sk: item.sk })
    for (const genreId of entries.flatMap((entry) => entry.genre_ids ?? [])) {
      keys.set(`${genrePk(genreId)}|${userPk(userId)}`, { pk: genrePk(genreId), sk: userPk(userId) })
    }
    await this.db.batchWrite(this.table, [...keys.values()].map((key) => ({ delete: key })))
  }

  /** Export: the entries and the genre follows they imply. */
  async exportUser(userId: string): Promise<{ entries: WatchItem[]; follows: GenreFollowItem[] }> {
    const [entries, follows] = await Promise.all([this.entries(userId), this.follows(userId)])
    return { entries, follows }
  }

  private genreCounter(userId: string, genreId: number, delta: 1 | -1): TransactItem {
    return {
      update: {
        table: this.table,
        key: { pk: genrePk(genreId), sk: userPk(userId) },
        update: 'SET gsi1pk = :gpk, gsi1sk = :gsk, user_id = :user, genre_id = :genre ADD listed_count :delta',
        values: { ':gpk': userPk(userId), ':gsk': genrePk(genreId), ':user': userId, ':genre': genreId, ':delta': delta },
      },
    }
  }

  /** A follow whose count fell to 0 goes away; a concurrent add that bumped it back keeps it (the condition fails). */
  private async dropFollowIfUnused(userId: string, genreId: number): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.db.delete(this.table, { pk: genrePk(genreId), sk: userPk(userId) }, {
          condition: 'listed_count <= :zero',
          values: { ':zero': 0 },
        })
        return
      } catch (error) {
        if (error instanceof ConditionalCheckFailedError) return
        if (!isTransactionConflict(error)) throw error
      }
    }
    // Still contended: a 0-count follow is harmless (readers require listed_count > 0).
  }
}
