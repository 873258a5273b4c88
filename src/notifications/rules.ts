import type { NotificationPrefs } from '../accounts/types'
import type { Catalog, Movie } from '../catalog/types'
import type { DomainEvent } from '../events/schema'
import { userPk } from '../shared/keys'
import { recommendedSk } from './keys'
import type { NewNotification } from './store'
import type { TransactItem } from '../data/store'

/** What the rules ask of other features, through their narrow APIs (`ruleContext` binds them). */
export interface RuleContext {
  catalog: Pick<Catalog, 'details'>
  /** Preferences of the users that exist (a deleted account is absent). */
  preferencesOf(userIds: string[], opts?: { consistent?: boolean }): Promise<Map<string, NotificationPrefs>>
  listedAmong(userId: string, movieIds: number[]): Promise<Set<number>>
  reviewedAmong(userId: string, movieIds: number[]): Promise<Set<number>>
  recommendedAmong(userId: string, movieIds: number[]): Promise<Set<number>>
  /**
   * The recommender's side (src/recommendations): null while a recommendation went out less than a week ago
   * (at most one a week), else its picks that come from the rated film, best first, and the item that closes
   * the week, written with the notification. Absent: TMDB's similar titles alone, no weekly limit.
   */
  weeklyPick?(userId: string, ratedMovieId: number, at: Date): Promise<{ candidates: Movie[]; gate: TransactItem } | null>
}

/** The rule context from the features that answer it, each through its own method of that name. */
export function ruleContext(owners: {
  catalog: RuleContext['catalog']
  accounts: Pick<RuleContext, 'preferencesOf'>
  watchlist: Pick<RuleContext, 'listedAmong'>
  reviews: Pick<RuleContext, 'reviewedAmong'>
  notifications: Pick<RuleContext, 'recommendedAmong'>
  recommendations: Required<Pick<RuleContext, 'weeklyPick'>>
}): RuleContext {
  return {
    catalog: owners.catalog,
    preferencesOf: (userIds, opts) => owners.accounts.preferencesOf(userIds, opts),
    listedAmong: (userId, movieIds) => owners.watchlist.listedAmong(userId, movieIds),
    reviewedAmong: (userId, movieIds) => owners.reviews.reviewedAmong(userId, movieIds),
    recommendedAmong: (userId, movieIds) => owners.notifications.recommendedAmong(userId, movieIds),
    weeklyPick: (userId, ratedMovieId, at) => owners.recommendations.weeklyPick(userId, ratedMovieId, at),
  }
}

/** A notification for the event's user, plus extra items written in the same transaction. */
export interface Outcome {
  notifications: NewNotification[]
  extraItems: Record<string, unknown>[]
  /** Conditional writes of the same transaction (a failed condition drops the whole outcome, like a duplicate). */
  guards?: TransactItem[]
}

/** A rating at or above this earns a "more like this" recommendation. */
export const RECOMMEND_AT_RATING = 8
const RECOMMENDED_TTL_SECONDS = 180 * 24 * 3600
const nothing: Outcome = { notifications: [], extraItems: [] }

/**
 * What an event means for its user. Plain actions (adding, removing, reviewing) never echo back
 * ("you added X"); they only lead to something new: a recommendation after a high rating.
 */
export async function notificationsFor(event: DomainEvent, ctx: RuleContext): Promise<Outcome> {
  const at = new Date(event.occurred_at)
  const key = event.id
  // Consistent: a profile created just before its sign-up event must not look missing.
  const prefs = (await ctx.preferencesOf([event.user_id], { consistent: true })).get(event.user_id)
  if (!prefs) return nothing // the account is gone
  switch (event.type) {
    case 'user.signed_up':
      return only({ type: 'welcome', template: 'welcome', params: {}, at, key })
    case 'user.password_changed':
      return only({ type: 'security', template: 'security.password_changed', params: {}, at, key })
    case 'user.email_changed':
      return only({ type: 'security', template: 'security.email_changed', params: {}, at, key })
    case 'review.posted':
      if (event.payload.rating < RECOMMEND_AT_RATING || !prefs.recommendation) return nothing
      return recommendAfterRating(event.user_id, event.payload.movie_id, event.payload.rating, at, key, ctx)
    case 'watchlist.added':
    case 'watchlist.removed':
    case 'user.password_reset_requested':
    case 'user.verification_requested':
    case 'user.digest_due':
    case 'notification.created':
    case 'video.uploaded': // the transcoder's queue takes uploads
    case 'video.ready': // its film's listers, not its operator: the handler's fan-out (release-alerts.ts announceStreaming)
      return nothing
  }
}

const only = (notification: NewNotification): Outcome => ({ notifications: [notification], extraItems: [] })

async function recommendAfterRating(
  userId: string,
  movieId: number,
  rating: number,
  at: Date,
  key: string,
  ctx: RuleContext,
): Promise<Outcome> {
  const weekly = ctx.weeklyPick ? await ctx.weeklyPick(userId, movieId, at) : undefined
  if (weekly === null) return nothing
  const rated = await ctx.catalog.details(movieId)
  if (!rated) return nothing
  // The user's own picks that come from this film first (the recommender's choice), then the catalog's similar titles.
  const candidates = [...(weekly?.candidates ?? []), ...rated.similar].filter((m) => m.id !== movieId).slice(0, 30)
  const pick = await firstUnseen(userId, candidates, ctx)
  if (!pick) return nothing
  return {
    notifications: [
      {
        type: 'recommendation',
        template: 'recommendation.rated',
        params: { rated_movie_id: movieId, rating },
        movie_id: pick.id,
        at,
        key,
      },
    ],
    extraItems: [
      {
        pk: userPk(userId),
        sk: recommendedSk(pick.id),
        movie_id: pick.id,
        expires_at: Math.floor(at.getTime() / 1000) + RECOMMENDED_TTL_SECONDS,
      },
    ],
    guards: weekly ? [weekly.gate] : [],
  }
}

/** The first candidate the user has neither listed, reviewed, nor been recommended already. */
async function firstUnseen(userId: string, candidates: Movie[], ctx: RuleContext): Promise<Movie | undefined> {
  if (candidates.length === 0) return undefined
  const ids = candidates.map((m) => m.id)
  const seen = await Promise.all([ctx.listedAmong(userId, ids), ctx.reviewedAmong(userId, ids), ctx.recommendedAmong(userId, ids)])
  return candidates.find((m) => !seen.some((set) => set.has(m.id)))
}
