import type { Film } from './data'
import { search } from './rank'

/**
 * Search results of the bundled catalog, remembered per query per isolate (a search scans all
 * 3,200 films). Bounded by weight: each entry counts its results plus a fixed overhead, and the
 * least recently used go first past MAX_WEIGHT (≈ 200,000 references, under 2 MB).
 */
const MAX_WEIGHT = 200_000
const ENTRY_OVERHEAD = 32

let memo: Map<string, readonly Film[]> | undefined
/** The film list the memo answers for (one per isolate in practice). */
let memoFor: readonly Film[] | undefined
let weight = 0
const weightOf = (films: readonly Film[]) => films.length + ENTRY_OVERHEAD

export function rememberedSearch(films: readonly Film[], query: string, year?: number): readonly Film[] {
  if (!memo || memoFor !== films) {
    memo = new Map()
    memoFor = films
    weight = 0
  }
  const key = `${year ?? ''}|${query}`
  const known = memo.get(key)
  if (known) {
    memo.delete(key)
    memo.set(key, known)
    return known
  }
  const found = search(films, query, year)
  memo.set(key, found)
  weight += weightOf(found)
  for (const [oldest, old] of memo) {
    if (weight <= MAX_WEIGHT) break
    memo.delete(oldest)
    weight -= weightOf(old)
  }
  return found
}
