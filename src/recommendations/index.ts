/** The recommender core: pure functions, no I/O; the product and `npm run eval:recs` share it. */
import type { ReadPlan } from '../data/prefetch'
import { filmPageReads } from './keys'

export * from './types'
export { DEFAULT_SIGNAL_OPTIONS, excludedFilmIds, ratingPreference, seedFilmIds, seedsOf } from './signals'
export type { Seed, SignalOptions } from './signals'
export { buildContentIndex, contentSimilarity, DEFAULT_FIELD_WEIGHTS } from './content'
export type { ContentIndex, FieldWeights } from './content'
export { DEFAULT_DIVERSITY } from './blend'
export type { DiversityOptions } from './blend'
export { rankScores } from './sources'
export { becauseYouLikedRows, DEFAULT_OPTIONS, DEFAULT_WEIGHTS, recommend } from './recommend'
export type { BecauseRow, BecauseRowOptions, RecommendContext, RecommendOptions } from './recommend'
export * from './item-item'
export { RecommendationService, type PersonalRows, type SignalSources } from './service'
export { RecommendationStore } from './store'
export { versionSlot, type PicksVersionSlot } from './version'
export { CollaborativeFilter, isLikeRating } from './collaborative'
export { recommendationsParticipant } from './participant'
export { likesOf, signalSources, type ListedFilms, type RatedFilms } from './likes'
export type { StoredPick } from './keys'

/** A signed-in film page's reads of this feature ("not interested", recent views): `services.readAhead` it. */
export const filmPageRecommendationsPlan = (movieId: number): ReadPlan => (viewerId) => filmPageReads(viewerId, movieId)
