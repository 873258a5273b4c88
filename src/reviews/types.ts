/** The reviews' stored items and the contract's shapes. */

/** MOVIE#<movieId> / REVIEW#<userId>: one review per user per film. gsi1 (USER#<id> / REVIEW#<movieId>) lists a user's reviews. */
export type ReviewItem = {
  pk: string
  sk: string
  gsi1pk: string
  gsi1sk: string
  /** gsi2: REVIEWS#<movieId> / <created_at>#<userId>, the film's reviews newest first, a page at a time. */
  gsi2pk: string
  gsi2sk: string
  movie_id: number
  user_id: string
  /** Denormalised so listing reviews needs no user lookups; never the email. */
  display_name: string
  rating: number
  text: string | null
  created_at: string
  updated_at: string
}

/** MOVIE#<movieId> / AGG: written in the same transaction as every review write, so it is always exact. */
export interface AggregateItem {
  rating_sum?: number
  rating_count?: number
  /** Every review of the film has its gsi2 keys (see backfillTimeline). */
  timeline?: boolean
}

/** The contract's review shape. */
export interface Review {
  user: { id: string; display_name: string }
  rating: number
  text: string | null
  created_at: string
  updated_at: string
}

export interface ReviewSummary {
  average: number | null
  count: number
}

export interface ReviewPage extends ReviewSummary {
  page: number
  total_pages: number
  results: Review[]
  /** The next page's cursor; null on the last page. */
  next_cursor: string | null
  /**
   * The previous page's cursor (HTML's "Newer reviews": one Query however deep the page); null on page 1, and on page
   * 2, whose previous page is page 1 itself. Not part of the API's answer.
   */
  prev_cursor: string | null
}

/** Which page: a number (reads that many pages), or a cursor from the previous page (reads one). */
export type PageRequest = number | { page?: number; cursor?: string }

export interface ReviewInput {
  rating: number
  text?: string | null
}

/** `kept`: a write made offline found a newer review and left it; `review` is then the stored one. */
export type PutResult = { created: boolean; review: Review; kept?: boolean }

export function toReview(item: ReviewItem): Review {
  return {
    user: { id: item.user_id, display_name: item.display_name },
    rating: item.rating,
    text: item.text ?? null,
    created_at: item.created_at,
    updated_at: item.updated_at,
  }
}
