import type { Catalog } from '../catalog/types'
import { ConditionalCheckFailedError, TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import { events } from '../events/schema'
import type { Outbox } from '../events/outbox'
import { retryOptimistic } from '../shared/conflict-retry'
import { NotFound } from '../shared/errors'
import type { CursorCodec } from '../shared/cursor'
import { userPk } from '../shared/keys'
import { REVIEW_PREFIX, REVIEW_REF_PREFIX, movieAggKey, moviePk, reviewIndexSk, reviewRefSk, reviewSk, reviewsTimelinePk, reviewsTimelineSk } from './keys'
import { toReview, type AggregateItem, type PageRequest, type PutResult, type Review, type ReviewInput, type ReviewItem, type ReviewPage, type ReviewSummary } from './types'
import { backfillTimeline, decodeReviewsCursor, encodeReviewsCursor, needsTimeline, readTimeline, type TimelinePosition } from './timeline'
import { notDeleted, throwIfDeleted } from '../accounts/tombstone'

export const REVIEWS_PAGE_SIZE = 20

export { toReview, type PageRequest, type Review, type ReviewInput, type ReviewItem, type ReviewPage, type ReviewSummary } from './types'

const average = (sum: number, count: number) => (count > 0 ? Math.round((sum / count) * 100) / 100 : null)

function summaryOf(agg: AggregateItem | undefined): ReviewSummary {
  const count = agg?.rating_count ?? 0
  return { count, average: average(agg?.rating_sum ?? 0, count) }
}

/** How many reviews of the film are not the viewer's own (what the timeline pages through). */
const othersOf = (agg: AggregateItem | undefined, own: ReviewItem | undefined) => summaryOf(agg).count - (own ? 1 : 0)

const isConditionFailure = (error: unknown) => error instanceof TransactionCanceledError && error.conditionFailed

async function readReview(db: DataStore, table: string, movieId: number, userId: string): Promise<ReviewItem | undefined> {
  return db.get<ReviewItem>(table, { pk: moviePk(movieId), sk: reviewSk(userId) }, { consistent: true })
}

/**
 * The review's state as we read it: the write only goes through if it is still that state. With `offlineAt`, also only
 * if it is not newer than that (a write that landed since the read, even of the same rating, makes this one retry).
 */
function unchangedSince(existing: ReviewItem, offlineAt?: string) {
  return {
    condition: `rating = :oldRating AND created_at = :oldCreated${offlineAt ? ' AND updated_at <= :at' : ''}`,
    values: { ':oldRating': existing.rating, ':oldCreated': existing.created_at, ...(offlineAt ? { ':at': offlineAt } : {}) },
  }
}

/**
 * Deletes a user's review of a film and takes it out of the film's aggregate in the same
 * transaction. Idempotent: true when this call removed a review. Used by account deletion too.
 */
async function deleteReview(db: DataStore, table: string, movieId: number, userId: string): Promise<boolean> {
  return retryOptimistic(async () => {
    const existing = await readReview(db, table, movieId, userId)
    if (!existing) return false
    const guard = unchangedSince(existing)
    try {
      await db.transactWrite([
        { delete: { table, key: { pk: moviePk(movieId), sk: reviewSk(userId) }, condition: guard.condition, values: guard.values } },
        {
          update: {
            table,
            key: movieAggKey(movieId),
            update: 'ADD rating_sum :sum, rating_count :count',
            values: { ':sum': -existing.rating, ':count': -1 },
          },
        },
        { delete: { table, key: { pk: userPk(userId), sk: reviewRefSk(movieId) } } },
      ])
      return true
    } catch (error) {
      if (isConditionFailure(error)) return undefined
      throw error
    }
  })
}

/** Ratings and reviews of films, with a per-film aggregate kept exact under concurrent writers. */
export interface ReviewDeps {
  db: DataStore
  table: string
  /** Reviews are only for films that exist. */
  catalog: Pick<Catalog, 'details'>
  /** Where `review.posted` goes: staged in the review's transaction, published after it. */
  outbox: Outbox
  /** Signs and checks the reviews' page cursors. */
  cursors: CursorCodec
  /** Told after a rating is written or deleted (recommendations recompute the user's picks). */
  onChanged?: (userId: string) => void
  /** A rating was stored: the film leaves the user's picks before the answer (the recomputation follows it). */
  onRated?: (userId: string, movieId: number, language?: string) => Promise<void>
}

export class ReviewService {
  private readonly db: DataStore
  private readonly table: string

  constructor(private readonly deps: ReviewDeps) {
    this.db = deps.db
    this.table = deps.table
  }

  /** NotFound 'movie' unless the film exists. */
  private async requireFilm(movieId: number): Promise<void> {
    if (!(await this.deps.catalog.details(movieId))) throw new NotFound('movie')
  }

  /**
   * Creates or replaces the user's review of an existing film, then publishes `review.posted`. With `offlineAt` (an
   * action made offline, replayed later) a review updated after that instant is newer: it is kept and returned, `kept`.
   */
  async put(movieId: number, user: { id: string; display_name: string; language?: string }, input: ReviewInput, offlineAt?: string): Promise<PutResult> {
    await this.requireFilm(movieId)
    const staged = this.deps.outbox.stage(events.reviewPosted(user.id, movieId, input.rating))
    const result = await this.write(movieId, user, input, staged.writes, offlineAt)
    if (result.kept) return result // nothing was written: no event, and the picks are as they were
    staged.release()
    if (this.deps.onRated) {
      // The review is stored: picks that still show the film are a blemish, not a reason to fail the answer.
      await this.deps.onRated(user.id, movieId, user.language).catch((error: unknown) => console.warn('picks: rated film not hidden', error instanceof Error ? error.name : 'error'))
    } else this.deps.onChanged?.(user.id)
    return result
  }

  private async write(
    movieId: number,
    user: { id: string; display_name: string },
    input: ReviewInput,
    outboxWrites: TransactItem[] = [],
    offlineAt?: string,
  ): Promise<PutResult> {
    const text = input.text?.trim() ? input.text.trim() : null
    return retryOptimistic<PutResult>(async () => {
      const existing = await readReview(this.db, this.table, movieId, user.id)
      if (existing && offlineAt && existing.updated_at > offlineAt) return { created: false, review: toReview(existing), kept: true }
      const now = new Date().toISOString()
      const item: ReviewItem = {
        pk: moviePk(movieId),
        sk: reviewSk(user.id),
        gsi1pk: userPk(user.id),
        gsi1sk: reviewIndexSk(movieId),
        gsi2pk: reviewsTimelinePk(movieId),
        gsi2sk: reviewsTimelineSk(existing?.created_at ?? now, user.id),
        movie_id: movieId,
        user_id: user.id,
        display_name: user.display_name,
        rating: input.rating,
        text,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      }
      const guard = existing ? unchangedSince(existing, offlineAt) : { condition: 'attribute_not_exists(pk)', values: {} }
      try {
        await this.db.transactWrite([
          { put: { table: this.table, item, condition: guard.condition, values: guard.values } },
          {
            update: {
              table: this.table,
              key: movieAggKey(movieId),
              update: 'ADD rating_sum :sum, rating_count :count',
              values: { ':sum': input.rating - (existing?.rating ?? 0), ':count': existing ? 0 : 1 },
            },
          },
          // Third, so throwIfDeleted below finds it at index 2.
          await notDeleted(this.table, user.id),
          { put: { table: this.table, item: { pk: userPk(user.id), sk: reviewRefSk(movieId), movie_id: movieId } } },
          ...outboxWrites,
        ])
        return { created: !existing, review: toReview(item) }
      } catch (error) {
        throwIfDeleted(error, 2)
        if (isConditionFailure(error)) return undefined
        throw error
      }
    })
  }

  /** Deletes the user's review of the film (idempotent). */
  async delete(movieId: number, userId: string): Promise<boolean> {
    const deleted = await deleteReview(this.db, this.table, movieId, userId)
    if (deleted) this.deps.onChanged?.(userId)
    return deleted
  }

  async summary(movieId: number): Promise<ReviewSummary> {
    return summaryOf(await this.aggregate(movieId))
  }

  private aggregate(movieId: number): Promise<AggregateItem | undefined> {
    return this.db.get<AggregateItem>(this.table, movieAggKey(movieId), { consistent: true })
  }

  /** The film's aggregate and the viewer's own review: one consistent BatchGetItem instead of two calls (a signed-in film page). */
  private async aggregateAndOwn(movieId: number, viewerId: string | undefined): Promise<[AggregateItem | undefined, ReviewItem | undefined]> {
    if (!viewerId) return [await this.aggregate(movieId), undefined]
    const ownKey = { pk: moviePk(movieId), sk: reviewSk(viewerId) }
    const items = await this.db.batchGet<{ sk: string }>(this.table, [movieAggKey(movieId), ownKey], { consistent: true })
    const bySk = (sk: string) => items.find((item) => item.sk === sk)
    return [bySk(movieAggKey(movieId).sk) as AggregateItem | undefined, bySk(ownKey.sk) as ReviewItem | undefined]
  }

  /** One page of an existing film's reviews, newest first, with the aggregate (everyone's, as an anonymous viewer sees them). */
  async page(movieId: number, at: PageRequest = 1, pageSize = REVIEWS_PAGE_SIZE): Promise<ReviewPage> {
    const [, reviews] = await Promise.all([this.requireFilm(movieId), this.forViewer(movieId, undefined, at, pageSize)])
    return reviews
  }

  /**
   * For the details page: the viewer's own review apart, and a page of everyone else's. Reads the
   * aggregate, the viewer's review and one page of the time-ordered index (page N without a
   * cursor reads N pages). A cursor of another film, or an altered one, is InvalidCursor.
   */
  async forViewer(
    movieId: number,
    viewerId: string | undefined,
    at: PageRequest = 1,
    pageSize = REVIEWS_PAGE_SIZE,
    opts: { aggregateReadAhead?: boolean } = {},
  ): Promise<ReviewPage & { own?: Review }> {
    const request = typeof at === 'number' ? { page: at } : at
    const position: TimelinePosition = request.cursor
      ? await decodeReviewsCursor(this.deps.cursors, movieId, request.cursor)
      : { page: request.page ?? 1 }
    const readPage = () =>
      readTimeline(this.db, this.table, movieId, {
        skip: position.after || position.before ? 0 : (position.page - 1) * pageSize,
        take: pageSize,
        ...(position.after ? { after: position.after } : {}),
        ...(position.before ? { before: position.before } : {}),
        ...(viewerId ? { excludeUser: viewerId } : {}),
      })
    // A signed-in film page read the aggregate and the viewer's review ahead, with the session (filmPageReads): a film
    // no one else reviewed then needs no Query at all. Everywhere else both are read at once.
    const own = this.aggregateAndOwn(movieId, viewerId)
    const page = opts.aggregateReadAhead
      ? own.then(([agg, item]) => (needsTimeline(agg) || othersOf(agg, item) > 0 ? readPage() : { items: [], more: false }))
      : readPage()
    const [[agg, ownItem], firstRead] = await Promise.all([own, page])
    // A film whose reviews predate the index: give them their keys (once), then read the page again.
    const timeline = needsTimeline(agg) ? await backfillTimeline(this.db, this.table, movieId).then(readPage) : firstRead
    const summary = summaryOf(agg)
    const [first, last] = [timeline.items.at(0), timeline.items.at(-1)]
    // Reached backwards, `more` tells of newer reviews; older ones exist, since the page came from one.
    const older = position.before ? true : timeline.more
    const next_cursor = older && last ? await encodeReviewsCursor(this.deps.cursors, movieId, { page: position.page + 1, after: last.gsi2sk }) : null
    const prev_cursor = position.page > 2 && first ? await encodeReviewsCursor(this.deps.cursors, movieId, { page: position.page - 1, before: first.gsi2sk }) : null
    return {
      ...summary,
      page: position.page,
      total_pages: Math.max(1, Math.ceil(othersOf(agg, ownItem) / pageSize)),
      results: timeline.items.map(toReview),
      next_cursor,
      prev_cursor,
      ...(ownItem ? { own: toReview(ownItem) } : {}),
    }
  }

  /** Which of `movieIds` the user has reviewed (one BatchGetItem). */
  async reviewedAmong(userId: string, movieIds: number[]): Promise<Set<number>> {
    if (movieIds.length === 0) return new Set()
    const items = await this.db.batchGet<Pick<ReviewItem, 'movie_id'>>(
      this.table,
      movieIds.map((id) => ({ pk: moviePk(id), sk: reviewSk(userId) })),
    )
    return new Set(items.map((item) => item.movie_id))
  }

  /** Every review the user wrote (gsi1: USER#<id> / REVIEW#<movieId>). */
  async byUser(userId: string): Promise<ReviewItem[]> {
    return this.db.queryAll<ReviewItem>(this.table, {
      index: 'gsi1',
      keyCondition: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': REVIEW_PREFIX },
    })
  }

  /**
   * Account deletion: every review the user wrote, each with its film's aggregate corrected. The films come from the
   * user's own partition (REVIEWREF#, read strongly consistent, so a review committed just before the deletion's
   * tombstone is not missed) and from gsi1 (reviews written before the references existed).
   */
  async eraseUser(userId: string): Promise<number> {
    const [refs, indexed] = await Promise.all([
      this.db.queryAll<{ movie_id: number }>(this.table, {
        keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': userPk(userId), ':prefix': REVIEW_REF_PREFIX },
        consistent: true,
      }),
      this.byUser(userId),
    ])
    const films = new Set([...refs, ...indexed].map((item) => item.movie_id))
    const removed = await Promise.all([...films].map((movieId) => deleteReview(this.db, this.table, movieId, userId)))
    return removed.filter(Boolean).length
  }

  /** After a display-name change: every review of the user shows the new name (reviews carry it denormalised). */
  async renameReviewer(userId: string, displayName: string): Promise<void> {
    const items = await this.byUser(userId)
    await Promise.all(
      items
        .filter((item) => item.display_name !== displayName)
        .map((item) =>
          this.db
            .update(this.table, { pk: item.pk, sk: item.sk }, {
              update: 'SET display_name = :name',
              condition: 'attribute_exists(pk)',
              values: { ':name': displayName },
              returnValues: 'NONE',
            })
            .catch((error: unknown) => {
              // The review was deleted meanwhile: nothing to rename.
              if (!(error instanceof ConditionalCheckFailedError)) throw error
            }),
        ),
    )
  }
}
