import type { ContentIndex, ScoredId } from '../../src/recommendations'
import { buildContentIndex, DEFAULT_DIVERSITY, DEFAULT_MAX_PARTNERS, DEFAULT_NEIGHBOUR_OPTIONS, DEFAULT_SIGNAL_OPTIONS, DEFAULT_WEIGHTS } from '../../src/recommendations'
import type { MovieLens } from './movielens'
import { hitAt, mean, ndcgAt, pairedBootstrapRatio } from './recs-metrics'
import type { ModelParams } from './recs-model'
import { coOccurrenceCounts, contextFor, filmFeatures, neighbourLists, popularity, rankCase, rankPopular } from './recs-model'
import type { Split } from './recs-protocol'
import { splitRatings } from './recs-protocol'

export const DEFAULT_PARAMS: ModelParams = {
  weights: DEFAULT_WEIGHTS,
  signal: DEFAULT_SIGNAL_OPTIONS,
  diversity: DEFAULT_DIVERSITY,
  neighbours: DEFAULT_NEIGHBOUR_OPTIONS,
  maxPartners: DEFAULT_MAX_PARTNERS,
}

export type Variant = 'recommender' | 'content' | 'collaborative'

/** The ablations: the same pipeline with one source alone. */
function paramsFor(variant: Variant, params: ModelParams): ModelParams {
  if (variant === 'recommender') return params
  const only = { content: 0, collaborative: 0, tmdb: 0, genre: 0, trending: 0, [variant]: 1 }
  return { ...params, weights: only }
}

interface PerUser {
  hr: number[]
  ndcg: number[]
}

/** Neighbour lists depend only on the split and the neighbour parameters: cached per split. */
class SplitModel {
  private readonly neighbourCache = new Map<string, Map<number, ScoredId[]>>()
  private readonly countCache = new Map<number, ReturnType<typeof coOccurrenceCounts>>()
  readonly trending: ScoredId[]

  constructor(
    readonly split: Split,
    readonly index: ContentIndex,
  ) {
    this.trending = popularity(split.train)
  }

  neighbours(params: ModelParams) {
    const key = JSON.stringify([params.maxPartners, params.neighbours])
    let lists = this.neighbourCache.get(key)
    if (!lists) {
      let counts = this.countCache.get(params.maxPartners)
      if (!counts) this.countCache.set(params.maxPartners, (counts = coOccurrenceCounts(this.split.train, params.maxPartners)))
      lists = neighbourLists(counts, params.neighbours)
      this.neighbourCache.set(key, lists)
    }
    return lists
  }

  run(params: ModelParams): PerUser {
    const context = contextFor(this.index, this.neighbours(params), this.trending)
    const result: PerUser = { hr: [], ndcg: [] }
    for (const evalCase of this.split.cases) {
      const ranked = rankCase(evalCase, context, params)
      result.hr.push(hitAt(ranked, evalCase.target))
      result.ndcg.push(ndcgAt(ranked, evalCase.target))
    }
    return result
  }

  popular(): PerUser {
    const result: PerUser = { hr: [], ndcg: [] }
    for (const evalCase of this.split.cases) {
      const ranked = rankPopular(evalCase, this.trending)
      result.hr.push(hitAt(ranked, evalCase.target))
      result.ndcg.push(ndcgAt(ranked, evalCase.target))
    }
    return result
  }
}

/** One tuning step: a parameter and the values tried for it. */
interface Knob {
  name: string
  values: readonly number[]
  apply: (params: ModelParams, value: number) => ModelParams
}

/**
 * The knobs swept on validation, in this order. `weights.genre` is not swept: the product holds it
 * at 0.1 so that liked-genre picks can appear at all (a first sweep preferred 0 by ~2 %).
 */
const KNOBS: Knob[] = [
  { name: 'weights.content', values: [0, 0.1, 0.3, 0.6], apply: (p, v) => ({ ...p, weights: { ...p.weights, content: v } }) },
  { name: 'weights.trending', values: [0, 0.1, 0.3], apply: (p, v) => ({ ...p, weights: { ...p.weights, trending: v } }) },
  { name: 'signal.halfLifeDays', values: [7, 30, 120, 365], apply: (p, v) => ({ ...p, signal: { ...p.signal, halfLifeDays: v } }) },
  { name: 'neighbours.k', values: [20, 50, 100], apply: (p, v) => ({ ...p, neighbours: { ...p.neighbours, k: v } }) },
  { name: 'neighbours.shrinkage', values: [2, 5, 10], apply: (p, v) => ({ ...p, neighbours: { ...p.neighbours, shrinkage: v } }) },
  { name: 'maxPartners', values: [20, 50, 100], apply: (p, v) => ({ ...p, maxPartners: v }) },
  { name: 'diversity.lambda', values: [1, 0.9], apply: (p, v) => ({ ...p, diversity: { ...p.diversity, lambda: v } }) },
]

export interface TuningStep {
  knob: string
  tried: Array<{ value: number; ndcg10: number; hr10: number }>
  chosen: number
}

/** Coordinate ascent on validation NDCG@10 (one knob at a time, one sweep), ties keep the current value. */
export function tune(model: SplitModel, start: ModelParams, log: (line: string) => void): { params: ModelParams; steps: TuningStep[] } {
  let params = start
  let current = model.run(params)
  let best = mean(current.ndcg)
  const steps: TuningStep[] = []
  for (const knob of KNOBS) {
    const tried: TuningStep['tried'] = []
    let chosen: ModelParams = params
    let chosenValue = NaN
    let bestResult = current
    for (const value of knob.values) {
      const candidate = knob.apply(params, value)
      // The current value was measured already.
      const result = JSON.stringify(candidate) === JSON.stringify(params) ? current : model.run(candidate)
      const ndcg10 = mean(result.ndcg)
      tried.push({ value, ndcg10: round(ndcg10), hr10: round(mean(result.hr)) })
      if (ndcg10 > best + 1e-9) [best, chosen, chosenValue, bestResult] = [ndcg10, candidate, value, result]
    }
    params = chosen
    current = bestResult
    const kept = Number.isNaN(chosenValue) ? knob.values.find((value) => JSON.stringify(knob.apply(params, value)) === JSON.stringify(params)) ?? NaN : chosenValue
    steps.push({ knob: knob.name, tried, chosen: kept })
    log(`  ${knob.name}: ${tried.map((t) => `${t.value}→${t.ndcg10.toFixed(4)}`).join('  ')}  ⇒ ${kept}`)
  }
  return { params, steps }
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits

export interface RecsReport {
  dataset: { name: string; package: string; ratings: number; users: number; films: number; evaluated_users: number; protocol: string }
  recommender: { hr10: number; ndcg10: number }
  popularity: { hr10: number; ndcg10: number }
  content: { hr10: number; ndcg10: number }
  collaborative: { hr10: number; ndcg10: number }
  ci95: Record<Variant, { hr10: { ratio: number; low: number; high: number }; ndcg10: { ratio: number; low: number; high: number } }>
  validation: { popularity: { hr10: number; ndcg10: number }; recommender: { hr10: number; ndcg10: number } }
  tuned: { params: ModelParams; steps: TuningStep[] }
  seconds: number
}

export interface EvaluateOptions {
  /** Tune on the validation split first (otherwise the core's defaults are tested as they are). */
  tune: boolean
  /** Bootstrap resamples. */
  samples: number
  log: (line: string) => void
}

/** The whole protocol: features, validation tuning, one test run, metrics and intervals. */
export function evaluate(data: MovieLens, packageName: string, options: EvaluateOptions): RecsReport {
  const started = performance.now()
  const index = buildContentIndex(filmFeatures(data.movies))
  const validation = new SplitModel(splitRatings(data.ratings, 'validation'), index)
  options.log(`validation: ${validation.split.cases.length} users`)
  const { params, steps } = options.tune ? tune(validation, DEFAULT_PARAMS, options.log) : { params: DEFAULT_PARAMS, steps: [] }
  const validationRecommender = validation.run(params)
  const validationPopular = validation.popular()

  const test = new SplitModel(splitRatings(data.ratings, 'test'), index)
  const popular = test.popular()
  const variants: Record<Variant, { hr: number[]; ndcg: number[] }> = {
    recommender: test.run(params),
    content: test.run(paramsFor('content', params)),
    collaborative: test.run(paramsFor('collaborative', params)),
  }
  const summary = (result: PerUser) => ({ hr10: round(mean(result.hr)), ndcg10: round(mean(result.ndcg)) })
  const interval = (model: number[], base: number[]) => {
    const [low, high] = pairedBootstrapRatio(model, base, options.samples)
    return { ratio: round(mean(base) > 0 ? mean(model) / mean(base) : 0, 3), low: round(low, 3), high: round(high, 3) }
  }
  const ci95 = Object.fromEntries(
    (Object.keys(variants) as Variant[]).map((variant) => [variant, { hr10: interval(variants[variant].hr, popular.hr), ndcg10: interval(variants[variant].ndcg, popular.ndcg) }]),
  ) as RecsReport['ci95']
  return {
    dataset: {
      name: 'MovieLens ml-latest-small (2016), GroupLens',
      package: packageName,
      ratings: data.ratings.length,
      users: new Set(data.ratings.map((rating) => rating.userId)).size,
      films: data.movies.size,
      evaluated_users: test.split.cases.length,
      protocol: 'leave-last-positive-out (≥ 4 stars), users with ≥ 5 ratings; tuned on the second-latest positive; all unrated films ranked',
    },
    recommender: summary(variants.recommender),
    popularity: summary(popular),
    content: summary(variants.content),
    collaborative: summary(variants.collaborative),
    ci95,
    validation: { popularity: summary(validationPopular), recommender: summary(validationRecommender) },
    tuned: { params, steps },
    seconds: round((performance.now() - started) / 1000, 1),
  }
}

/** The table `npm run eval:recs` prints and docs/recommendations.md carries. */
export function formatTable(report: RecsReport): string {
  const rows: Array<[string, { hr10: number; ndcg10: number }, RecsReport['ci95'][Variant] | null]> = [
    ['popularity (baseline)', report.popularity, null],
    ['recommender (blend)', report.recommender, report.ci95.recommender],
    ['content only', report.content, report.ci95.content],
    ['collaborative only', report.collaborative, report.ci95.collaborative],
  ]
  const ratio = (r: { ratio: number; low: number; high: number } | undefined) => (r ? `${r.ratio.toFixed(2)}× [${r.low.toFixed(2)}, ${r.high.toFixed(2)}]` : '1.00×')
  const lines = [
    '| model | HR@10 | NDCG@10 | HR@10 / popularity (95 % CI) | NDCG@10 / popularity (95 % CI) |',
    '| --- | ---: | ---: | --- | --- |',
    ...rows.map(([name, metrics, ci]) => `| ${name} | ${metrics.hr10.toFixed(4)} | ${metrics.ndcg10.toFixed(4)} | ${ratio(ci?.hr10)} | ${ratio(ci?.ndcg10)} |`),
  ]
  return lines.join('\n')
}
