import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore, Key } from '../data/store'
import { InvalidCursor } from '../shared/errors'
import type { CursorCodec } from '../shared/cursor'
import { REVIEW_PREFIX, movieAggKey, moviePk, reviewSk, reviewsTimelinePk, reviewsTimelineSk } from './keys'
import type { ReviewItem } from './types'

/**
 * A film's reviews, newest first, through gsi2 (REVIEWS#<movieId> / <created_at>#<userId>): a page
 * is one Query of about one page of items, never the whole film. A cursor carries the page number
 * and the last review shown, signed, so the next page starts right after it; a cursor back carries the
 * first review shown, so the previous page is the reviews just newer than it (read oldest first, then turned).
 */
export interface TimelinePosition {
  page: number
  /** gsi2sk of the last review of the previous page; undefined on page 1. */
  after?: string
  /** gsi2sk of the first review of the next page, for a page reached backwards. */
  before?: string
}
type CursorPosition = { page: number } & ({ after: string } | { before: string })

const CURSOR_KIND = 'reviews'

export async function encodeReviewsCursor(codec: CursorCodec, movieId: number, position: CursorPosition): Promise<string> {
  const edge = 'after' in position ? position.after : `<${position.before}`
  return codec.encode(CURSOR_KIND, String(movieId), `${position.page}|${edge}`)
}

export async function decodeReviewsCursor(codec: CursorCodec, movieId: number, cursor: string): Promise<CursorPosition> {
  const position = await codec.decode(CURSOR_KIND, String(movieId), cursor)
  const match = /^([0-9]{1,6})\|(<?)(.+#.+)$/.exec(position)
  if (!match) throw new InvalidCursor()
  return match[2] ? { page: Number(match[1]), before: match[3]! } : { page: Number(match[1]), after: match[3]! }
}

/** The table and index key of the review whose gsi2sk is `timelineSk` (an ExclusiveStartKey). */
function startKeyAfter(movieId: number, timelineSk: string): Key {
  const userId = timelineSk.slice(timelineSk.indexOf('#') + 1)
  return { pk: moviePk(movieId), sk: reviewSk(userId), gsi2pk: reviewsTimelinePk(movieId), gsi2sk: timelineSk }
}

/**
 * `take` reviews after skipping `skip` (other than `excludeUser`'s), and whether more follow.
 * Reads take + skip + 2 items at most (one to learn if there is more, one for the excluded review).
 */
export async function readTimeline(
  db: DataStore,
  table: string,
  movieId: number,
  opts: { skip: number; take: number; after?: string; before?: string; excludeUser?: string },
): Promise<{ items: ReviewItem[]; more: boolean }> {
  const wanted = opts.skip + opts.take + 1
  const found: ReviewItem[] = []
  const edge = opts.before ?? opts.after
  let startKey: Key | undefined = edge ? startKeyAfter(movieId, edge) : undefined
  while (found.length < wanted) {
    const { items, lastKey } = await db.query<ReviewItem>(table, {
      index: 'gsi2',
      keyCondition: 'gsi2pk = :pk',
      values: { ':pk': reviewsTimelinePk(movieId) },
      // Backwards: the reviews just newer than `before`, nearest first; turned newest first below.
      forward: opts.before !== undefined,
      limit: wanted - found.length + (opts.excludeUser ? 1 : 0),
      ...(startKey ? { startKey } : {}),
    })
    found.push(...items.filter((item) => item.user_id !== opts.excludeUser))
    if (!lastKey) break
    startKey = lastKey
  }
  const items = found.slice(opts.skip, opts.skip + opts.take)
  return { items: opts.before ? items.reverse() : items, more: found.length > opts.skip + opts.take }
}

/**
 * Reviews written before gsi2 lack its keys, so the index does not list them. The first read of
 * such a film gives every review of it its keys, then marks the film's aggregate (`timeline`),
 * so this whole-film read happens once per film, never again. Reviews written since carry the keys.
 */
export function needsTimeline(agg: { rating_count?: number; timeline?: boolean } | undefined): boolean {
  return (agg?.rating_count ?? 0) > 0 && agg?.timeline !== true
}

export async function backfillTimeline(db: DataStore, table: string, movieId: number): Promise<void> {
  const items = await db.queryAll<ReviewItem>(table, {
    keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
    values: { ':pk': moviePk(movieId), ':prefix': REVIEW_PREFIX },
    consistent: true,
  })
  await Promise.all(
    items
      .filter((item) => item.gsi2pk === undefined)
      .map((item) =>
        db
          .update(table, { pk: item.pk, sk: item.sk }, {
            update: 'SET gsi2pk = :gpk, gsi2sk = :gsk',
            condition: 'created_at = :created',
            values: { ':gpk': reviewsTimelinePk(movieId), ':gsk': reviewsTimelineSk(item.created_at, item.user_id), ':created': item.created_at },
            returnValues: 'NONE',
          })
          .catch((error: unknown) => {
            // Deleted (or deleted and written again, with the keys) meanwhile.
            if (!(error instanceof ConditionalCheckFailedError)) throw error
          }),
      ),
  )
  await db.update(table, movieAggKey(movieId), { update: 'SET #timeline = :true', names: { '#timeline': 'timeline' }, values: { ':true': true }, returnValues: 'NONE' })
}
