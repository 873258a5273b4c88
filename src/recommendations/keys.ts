/**
 * The recommendations feature's keys in the single table. Per-user items live in the user's
 * partition (USER#<id>), so export and erasure find them with one Query; per-film collaborative
 * items live in their own partitions (RECFILM#<id>), touched-film markers in a per-day partition.
 */
import { userPk } from '../shared/keys'
import type { Movie } from '../catalog/types'
import type { Reason, RecommendationSource } from './types'

/** USER#<id> / RECDISMISS#<movieId>: "not interested". */
export const DISMISS_PREFIX = 'RECDISMISS#'
export const dismissKey = (userId: string, movieId: number) => ({ pk: userPk(userId), sk: `${DISMISS_PREFIX}${movieId}` })

/** USER#<id> / RECVIEWS: the films a signed-in user opened lately (bounded, with a TTL). */
export const viewsKey = (userId: string) => ({ pk: userPk(userId), sk: 'RECVIEWS' })
export const VIEWS_MAX = 30
export const VIEWS_TTL_SECONDS = 90 * 24 * 3600

/** What a signed-in viewer's film page reads of this feature ("not interested" state, recent views): read ahead with the session (`filmPageRecommendationsPlan`). */
export const filmPageReads = (userId: string, movieId: number) => [dismissKey(userId, movieId), viewsKey(userId)]

/** USER#<id> / RECPICKS: the user's precomputed picks (top picks and "because you liked" rows). */
export const picksKey = (userId: string) => ({ pk: userPk(userId), sk: 'RECPICKS' })
/** Picks are recomputed on every signal change; an untouched set still expires (trending moves on). */
export const PICKS_TTL_SECONDS = 14 * 24 * 3600

/** USER#<id> / RECWEEKLY: when the weekly recommendation notification last went out. */
export const weeklyKey = (userId: string) => ({ pk: userPk(userId), sk: 'RECWEEKLY' })

/** RECFILM#<id> / CO: like count (`likes`) and co-like counters (`c<partnerId>` attributes) of one film. */
export const filmPk = (movieId: number) => `RECFILM#${movieId}`
export const counterKey = (movieId: number) => ({ pk: filmPk(movieId), sk: 'CO' })
/** RECFILM#<id> / NEIGHBOURS: the film's top-K item–item neighbours, rebuilt by the daily cron. */
export const neighboursKey = (movieId: number) => ({ pk: filmPk(movieId), sk: 'NEIGHBOURS' })
export const PARTNER_ATTRIBUTE = 'c'

/** RECTOUCHED#<yyyy-mm-dd> / <movieId>: films whose counters changed that day (the cron rebuilds only these). */
export const touchedPk = (day: string) => `RECTOUCHED#${day}`
export const TOUCHED_TTL_SECONDS = 7 * 24 * 3600

export type DismissItem = { pk: string; sk: string; movie_id: number; dismissed_at: string }
export type ViewsItem = { pk: string; sk: string; views: Array<{ id: number; at: number }>; expires_at: number }

/** One stored pick: the card's film snapshot and why it was picked (rendered in the reader's language on read). */
export interface StoredPick {
  movie: Movie
  source: RecommendationSource
  because: { id: number; title: string } | null
  reason: Reason
  /** A genre's name for `trending_in_genre` (as the catalog named it when computed). */
  genre?: string
}

export type PicksItem = {
  pk: string
  sk: string
  top: StoredPick[]
  rows: Array<{ seed: { id: number; title: string; watched?: true }; items: StoredPick[] }>
  /** movie id → true: dismissed since the picks were computed (filtered on read, at once). */
  dismissed?: Record<string, true>
  /** Epoch ms of the newest signal the picks were computed from (a slower older run never overwrites a newer one). */
  computed_at: number
  expires_at: number
  /** Random, new with every change of this item, mirrored on the profile in the same transaction (version.ts). */
  version?: string
  /** The language the films' titles and reasons were read in; picks in another are computed again (absent: older picks). */
  language?: string
}

export type NeighboursItem = { pk: string; sk: string; movie_id: number; neighbours: Array<[number, number]>; updated_at: string }
