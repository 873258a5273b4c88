import type { DynamoDb, TransactItem } from '../aws/dynamodb'
import { ConditionalCheckFailedError, TransactionCanceledError } from '../aws/errors'
import type { Catalog, CatalogOptions, Movie } from '../catalog/types'
import { isTransactionConflict, retryOptimistic } from '../shared/conflict-retry'
import { GENRE_PREFIX, WATCH_PREFIX, genrePk, userPk, watchSk, watchersPk } from '../shared/keys'
import type { GenreFollowItem, WatchItem } from './keys'
import { notDeleted, throwIfDeleted } from '../accounts/tombstone'

export type ListedMovie = Movie & { added_at: string }

export interface AddResult {
  created: boolean
  added_at: string
}

const uniqueGenres = (ids: number[]) => [...new Set(ids.filter((id) => Number.isInteger(id) && id > 0))]

/**
 * A user's list of films to watch, and the genre follows it implies. Every add and remove is one
 * TransactWriteItems (the list entry plus the genre counters), so the counters never drift.
 */
export class WatchlistService {
  constructor(
    private readonly db: DynamoDb,
    private readonly table: string,
  ) {}

  /** Adds `movie` (already known to exist) if absent. Idempotent: a second add keeps the first added_at. */
  async add(userId: string, movie: Pick<Movie, 'id' | 'genre_ids'>): Promise<AddResult> {
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
      }
      const writes: TransactItem[] = [
        { put: { table: this.table, item, condition: 'attribute_not_exists(pk)' } },
        ...genres.map((genreId) => this.genreCounter(userId, genreId, 1)),
        await notDeleted(this.table, userId),
      ]
      try {
        await this.db.transactWrite(writes)
        return { created: true, added_at: addedAt }
      } catch (error) {
        throwIfDeleted(error, writes.length - 1)
        if (!(error instanceof TransactionCanceledError && error.conditionFailedAt(0))) throw error
        const existing = await this.entry(userId, movie.id)
        // Removed between our write and this read: try the add again.
        return existing ? { created: false, added_at: existing.added_at } : undefined
      }
    })
  }

  /** Removes the film from the list if present; true when this call removed it. */
  async remove(userId: string, movieId: number): Promise<boolean> {
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
          ...genres.map((genreId) => this.genreCounter(userId, genreId, -1)),
        ])
        return { removed: true, genres }
      } catch (error) {
        if (error instanceof TransactionCanceledError && error.conditionFailedAt(0)) return undefined
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

  /** Ids on the user's list, for marking cards as listed. */
  async listedIds(userId: string): Promise<Set<number>> {
    return new Set((await this.entries(userId)).map((entry) => entry.movie_id))
  }

  /** The list with movie data, newest first; the films are fetched in parallel through catalog.many. */
  async movies(userId: string, catalog: Catalog, options?: CatalogOptions): Promise<ListedMovie[]> {
    const entries = await this.entries(userId)
    if (entries.length === 0) return []
    const films = await catalog.many(
      entries.map((entry) => entry.movie_id),
      options,
    )
    const byId = new Map(films.map((film) => [film.id, film]))
    return entries.flatMap((entry) => {
      const film = byId.get(entry.movie_id)
      return film ? [{ ...film, added_at: entry.added_at }] : []
    })
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

/** Users with film `movieId` on their list (for release alerts). */
export async function watchersOf(db: DynamoDb, table: string, movieId: number): Promise<string[]> {
  const items = await db.queryAll<Pick<WatchItem, 'user_id'>>(table, {
    index: 'gsi1',
    keyCondition: 'gsi1pk = :pk',
    values: { ':pk': watchersPk(movieId) },
    projection: 'user_id',
  })
  return items.map((item) => item.user_id)
}

/** Users who follow genre `genreId` (at least one film of it on their list). */
export async function followersOfGenre(db: DynamoDb, table: string, genreId: number): Promise<string[]> {
  const items = await db.queryAll<Pick<GenreFollowItem, 'user_id'>>(table, {
    keyCondition: 'pk = :pk',
    filter: 'listed_count > :zero',
    values: { ':pk': genrePk(genreId), ':zero': 0 },
    projection: 'user_id',
  })
  return items.map((item) => item.user_id)
}

/** Genres a user follows through their list. */
export async function followedGenres(db: DynamoDb, table: string, userId: string): Promise<number[]> {
  const items = await db.queryAll<GenreFollowItem>(table, {
    index: 'gsi1',
    keyCondition: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
    filter: 'listed_count > :zero',
    values: { ':pk': userPk(userId), ':prefix': GENRE_PREFIX, ':zero': 0 },
  })
  return items.map((item) => item.genre_id)
}

/** Account deletion: every watchlist entry and genre follow of the user. */
export async function deleteUserWatchlist(db: DynamoDb, table: string, userId: string): Promise<void> {
  const [entries, follows] = await Promise.all([
    db.queryAll<WatchItem>(table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': WATCH_PREFIX },
      consistent: true,
    }),
    db.queryAll<GenreFollowItem>(table, {
      index: 'gsi1',
      keyCondition: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': GENRE_PREFIX },
    }),
  ])
  // The index lags writes, so the entries' own genres name follows it may not show yet.
  const keys = new Map<string, { pk: string; sk: string }>()
  for (const item of [...entries, ...follows]) keys.set(`${item.pk}|${item.sk}`, { pk: item.pk, sk: item.sk })
  for (const genreId of entries.flatMap((entry) => entry.genre_ids ?? [])) {
    keys.set(`${genrePk(genreId)}|${userPk(userId)}`, { pk: genrePk(genreId), sk: userPk(userId) })
  }
  await db.batchWrite(table, [...keys.values()].map((key) => ({ delete: key })))
}
