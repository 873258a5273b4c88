import type { Blended, DiversityOptions } from './blend'
import { blend, DEFAULT_DIVERSITY, diversify } from './blend'
import type { ContentIndex } from './content'
import { scoreByProfile } from './content'
import type { Seed, SignalOptions } from './signals'
import { DEFAULT_SIGNAL_OPTIONS, excludedFilmIds, seedsOf } from './signals'
import type { CandidateMap } from './sources'
import { contentBecause, contentCandidates, genreTrendingCandidates, listCandidates, trendingCandidates } from './sources'
import type { BlendWeights, NeighbourLookup, Reason, Recommendation, RecommendationSource, RecommendationsLookup, ScoredId, Signal, SourceName } from './types'

/** The data a ranking reads: prefetched by the caller, held in memory. */
export interface RecommendContext {
  index: ContentIndex
  /** Item–item neighbours (collaborative); absent = no collaborative source. */
  neighbours?: NeighbourLookup
  /** TMDB's recommendations for a seed film; absent without a TMDB credential. */
  tmdbRecommendations?: RecommendationsLookup
  /** Trending or popular films, best first (cold start, genre source and a light popularity prior). */
  trending: readonly ScoredId[]
}

export interface RecommendOptions {
  limit: number
  weights: BlendWeights
  signal: SignalOptions
  diversity: DiversityOptions
  /** More films never to return (e.g. what another row on the same page already shows). */
  alsoExclude?: Iterable<number>
}

/**
 * Tuned on MovieLens' validation split (docs/recommendations.md). TMDB (not in MovieLens) is
 * weighted like content; `genre` is held at 0.1 so liked-genre picks can appear (it cost ~2 %
 * NDCG@10 on validation, within noise); a popularity prior (`trending`) only hurt there.
 */
export const DEFAULT_WEIGHTS: BlendWeights = { collaborative: 1, content: 0.3, tmdb: 0.3, genre: 0.1, trending: 0 }

export const DEFAULT_OPTIONS: RecommendOptions = { limit: 20, weights: DEFAULT_WEIGHTS, signal: DEFAULT_SIGNAL_OPTIONS, diversity: DEFAULT_DIVERSITY }

const PUBLIC_SOURCE: Record<SourceName, RecommendationSource> = {
  content: 'similar',
  tmdb: 'similar',
  collaborative: 'collaborative',
  genre: 'genre',
  trending: 'trending',
}

function resolve(options: Partial<RecommendOptions> | undefined): RecommendOptions {
  return { ...DEFAULT_OPTIONS, ...options, weights: { ...DEFAULT_WEIGHTS, ...options?.weights } }
}

/** How many blended candidates the diversity re-ranking chooses from. */
const poolSize = (options: RecommendOptions) => Math.max(options.limit, Math.ceil(options.limit * options.diversity.poolFactor))

/**
 * Content similarity stands in for item–item evidence that is missing (a first like, new films, a
 * young product): with fewer collaborative candidates than the row needs, content gets up to the
 * collaborative weight, in proportion to what is missing.
 */
function effectiveWeights(weights: BlendWeights, collaborativeCount: number, limit: number): BlendWeights {
  const missing = 1 - Math.min(1, collaborativeCount / limit)
  return { ...weights, content: Math.max(weights.content, weights.collaborative * missing) }
}

function sourcesFor(seeds: readonly Seed[], context: RecommendContext, options: RecommendOptions) {
  const sources: Partial<Record<SourceName, CandidateMap>> = {}
  if (options.weights.collaborative > 0 && context.neighbours) sources.collaborative = listCandidates(seeds, context.neighbours)
  const weights = effectiveWeights(options.weights, sources.collaborative?.scores.size ?? 0, options.limit)
  if (weights.content > 0) sources.content = contentCandidates(context.index, seeds)
  if (weights.tmdb > 0 && context.tmdbRecommendations) sources.tmdb = listCandidates(seeds, context.tmdbRecommendations)
  if (weights.genre > 0) sources.genre = genreTrendingCandidates(context.index, seeds, context.trending)
  if (weights.trending > 0) sources.trending = trendingCandidates(context.trending)
  return { sources, weights }
}

function reasonFor(source: RecommendationSource, because: { id: number; title: string } | null, genreId: number | undefined, watched: boolean): Reason {
  if (source === 'genre' && genreId !== undefined) return { code: 'trending_in_genre', params: { genreId } }
  // A pick that comes from a film the user watched here says so, whichever way it was found.
  if ((source === 'similar' || source === 'collaborative') && because && watched) return { code: 'because_watched', params: { title: because.title } }
  if (source === 'similar' && because) return { code: 'similar_to', params: { title: because.title } }
  if (source === 'collaborative' && because) return { code: 'liked_by_fans_of', params: { title: because.title } }
  return { code: 'trending', params: {} }
}

function present(picked: readonly Blended[], context: RecommendContext, seeds: readonly Seed[]): Recommendation[] {
  return picked.map((candidate) => {
    let source = PUBLIC_SOURCE[candidate.source]
    const becauseId = candidate.source === 'content' ? contentBecause(context.index, candidate.id, seeds) : candidate.because
    const becauseFilm = becauseId === null ? undefined : context.index.byId.get(becauseId)
    const because = becauseFilm ? { id: becauseFilm.id, title: becauseFilm.title } : null
    // A "similar"/"collaborative" pick whose seed is unknown to the catalog is shown as popular, never with a blank title.
    if ((source === 'similar' || source === 'collaborative') && !because) source = 'trending'
    if (source === 'genre' && candidate.genreId === undefined) source = 'trending'
    const watched = because !== null && seeds.some((seed) => seed.filmId === because.id && seed.kind === 'watch' && seed.weight > 0)
    return { id: candidate.id, score: candidate.score, source, because, reason: reasonFor(source, because, candidate.genreId, watched) }
  })
}

/**
 * "Top picks for you": every source, blended, minus anything listed, rated or dismissed,
 * re-ranked for variety. With no positive signal at all this is trending (cold start); after the
 * first like, content similarity and genre-trending join in; collaborative once neighbours exist.
 */
export function recommend(signals: readonly Signal[], now: number, context: RecommendContext, options?: Partial<RecommendOptions>): Recommendation[] {
  const resolved = resolve(options)
  const excluded = excludedFilmIds(signals)
  for (const id of resolved.alsoExclude ?? []) excluded.add(id)
  const seeds = seedsOf(signals, now, resolved.signal)
  const coldStart = !seeds.some((seed) => seed.weight > 0)
  if (coldStart) {
    const ranked = blend({ trending: trendingCandidates(context.trending) }, { ...resolved.weights, trending: 1 }, excluded, poolSize(resolved))
    return present(diversify(ranked, context.index, resolved.limit, resolved.diversity), context, seeds)
  }
  const { sources, weights } = sourcesFor(seeds, context, resolved)
  const ranked = blend(sources, weights, excluded, poolSize(resolved))
  return present(diversify(ranked, context.index, resolved.limit, resolved.diversity), context, seeds)
}

export interface BecauseRow {
  /** `watched`: the seed film was watched here ("Because you watched …"), not only liked. */
  seed: { id: number; title: string; watched?: true }
  items: Recommendation[]
}

export interface BecauseRowOptions extends RecommendOptions {
  /** Up to this many rows (one per seed film). */
  rows: number
  /** A row with fewer films than this is not worth showing. */
  minItems: number
}

/**
 * "Because you liked <film>": up to `rows` rows, each seeded by one recent like, from that film's
 * neighbours, TMDB recommendations and content similarity alone. A film shows in one row only,
 * and never one in `alsoExclude` (e.g. the top picks above).
 */
export function becauseYouLikedRows(signals: readonly Signal[], now: number, context: RecommendContext, options?: Partial<BecauseRowOptions>): BecauseRow[] {
  const resolved = { rows: 2, minItems: 4, ...resolve(options), limit: options?.limit ?? 10 }
  const excluded = excludedFilmIds(signals)
  for (const id of resolved.alsoExclude ?? []) excluded.add(id)
  const likes = seedsOf(signals, now, resolved.signal)
    .filter((seed) => seed.weight > 0 && context.index.byId.has(seed.filmId))
    .sort((a, b) => b.at - a.at || b.weight - a.weight)
  const rows: BecauseRow[] = []
  for (const like of likes.slice(0, resolved.rows * 3)) {
    if (rows.length >= resolved.rows) break
    const single = [{ ...like, weight: 1 }]
    const sources: Partial<Record<SourceName, CandidateMap>> = {}
    if (context.neighbours) sources.collaborative = listCandidates(single, context.neighbours)
    if (context.tmdbRecommendations) sources.tmdb = listCandidates(single, context.tmdbRecommendations)
    const content = scoreByProfile(context.index, single)
    sources.content = { scores: content, because: new Map([...content.keys()].map((id) => [id, like.filmId])) }
    const weights = { ...resolved.weights, genre: 0, trending: 0 }
    const picked = diversify(blend(sources, weights, excluded, poolSize(resolved)), context.index, resolved.limit, resolved.diversity)
    if (picked.length < resolved.minItems) continue
    for (const { id } of picked) excluded.add(id)
    const film = context.index.byId.get(like.filmId)!
    rows.push({ seed: { id: film.id, title: film.title, ...(like.kind === 'watch' ? { watched: true as const } : {}) }, items: present(picked, context, single) })
  }
  return rows
}
