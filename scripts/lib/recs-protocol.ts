import type { Rating } from './movielens'

/**
 * The leave-one-out protocol of issue 18: for each user with ≥ 5 ratings, the latest positive
 * rating (≥ 4 stars) is the test item and the second-latest the validation item. Parameters are
 * tuned on validation with both held out; the test split runs once, with the validation item
 * back in training. A user is ranked against every film they have not rated.
 */

export const MIN_RATINGS = 5
export const POSITIVE_STARS = 4

export type Phase = 'validation' | 'test'

export interface EvalCase {
  userId: number
  /** The held-out film the ranking should surface. */
  target: number
  /** The user's training ratings (the recommender's signals), oldest first. */
  history: Rating[]
  /** Films rated by the user that are neither in `history` nor the target: never ranked. */
  hidden: number[]
}

export interface Split {
  phase: Phase
  /** Everyone's training ratings: what neighbours and popularity are computed from. */
  train: Rating[]
  cases: EvalCase[]
}

const chronological = (a: Rating, b: Rating) => a.timestamp - b.timestamp || a.movieId - b.movieId

export function splitRatings(ratings: readonly Rating[], phase: Phase): Split {
  const byUser = new Map<number, Rating[]>()
  for (const rating of ratings) {
    const list = byUser.get(rating.userId)
    if (list) list.push(rating)
    else byUser.set(rating.userId, [rating])
  }
  const train: Rating[] = []
  const cases: EvalCase[] = []
  for (const userId of [...byUser.keys()].sort((a, b) => a - b)) {
    const history = byUser.get(userId)!.sort(chronological)
    const positives = history.filter((rating) => rating.rating >= POSITIVE_STARS)
    if (history.length < MIN_RATINGS || positives.length < 2) {
      train.push(...history)
      continue
    }
    const test = positives[positives.length - 1]!
    const validation = positives[positives.length - 2]!
    const target = phase === 'test' ? test : validation
    const held = phase === 'test' ? [test] : [test, validation]
    const kept = history.filter((rating) => !held.includes(rating))
    train.push(...kept)
    cases.push({ userId, target: target.movieId, history: kept, hidden: held.filter((rating) => rating !== target).map((rating) => rating.movieId) })
  }
  return { phase, train, cases }
}
