/** Leave-one-out ranking metrics and a paired bootstrap of their ratio to a baseline. */

export const CUTOFF = 10

/** 1 when the target is in the top 10. */
export function hitAt(ranked: readonly number[], target: number, cutoff = CUTOFF): number {
  return ranked.slice(0, cutoff).includes(target) ? 1 : 0
}

/** With a single relevant item, NDCG@10 is 1 / log2(rank + 1) for a 1-based rank ≤ 10, else 0. */
export function ndcgAt(ranked: readonly number[], target: number, cutoff = CUTOFF): number {
  const rank = ranked.slice(0, cutoff).indexOf(target)
  return rank < 0 ? 0 : 1 / Math.log2(rank + 2)
}

export const mean = (values: readonly number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length)

/** A small seeded PRNG (mulberry32), so the intervals are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * 95 % interval of mean(model) / mean(baseline), resampling users with replacement (the same
 * users for both: paired). Returns [low, high]; a resample whose baseline mean is 0 is skipped.
 */
export function pairedBootstrapRatio(model: readonly number[], baseline: readonly number[], samples = 2000, seed = 18): [number, number] {
  const random = seededRandom(seed)
  const n = model.length
  const ratios: number[] = []
  for (let s = 0; s < samples; s++) {
    let a = 0
    let b = 0
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n)
      a += model[j]!
      b += baseline[j]!
    }
    if (b > 0) ratios.push(a / b)
  }
  if (ratios.length === 0) return [0, 0]
  ratios.sort((x, y) => x - y)
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(q * ratios.length)))]!
  return [at(0.025), at(0.975)]
}
