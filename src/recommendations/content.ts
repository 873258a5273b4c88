import type { FilmFeatures } from './types'

/**
 * Content similarity: each film is a sparse vector of weighted feature tokens (genres, director,
 * cast, era, language, keywords), scaled by how rare each token is (a shared "Drama" says less
 * than a shared director), and compared by cosine.
 */

export interface FieldWeights {
  genre: number
  director: number
  cast: number
  era: number
  language: number
  keyword: number
}

export const DEFAULT_FIELD_WEIGHTS: FieldWeights = { genre: 1, director: 1.5, cast: 0.6, era: 0.4, language: 0.3, keyword: 0.5 }

/** How many cast names count; the rest of a billing says little about a film's feel. */
const TOP_CAST = 5

export interface ContentIndex {
  films: readonly FilmFeatures[]
  byId: ReadonlyMap<number, FilmFeatures>
  /** Film id → its row in the flat arrays below. */
  row: ReadonlyMap<number, number>
  /** Row r's tokens are tokens[offsets[r] .. offsets[r+1]) with weight × idf in `values` (compressed rows: one request scores the whole catalog). */
  offsets: Int32Array
  tokens: Int32Array
  values: Float64Array
  norms: Float64Array
  tokenCount: number
}

function tokensOf(film: FilmFeatures, fields: FieldWeights): Array<[string, number]> {
  const tokens: Array<[string, number]> = []
  for (const genre of film.genreIds) tokens.push([`g:${genre}`, fields.genre])
  if (film.director) tokens.push([`d:${film.director.toLowerCase()}`, fields.director])
  for (const name of (film.cast ?? []).slice(0, TOP_CAST)) tokens.push([`c:${name.toLowerCase()}`, fields.cast])
  if (film.year) tokens.push([`e:${Math.floor(film.year / 10)}`, fields.era])
  if (film.originalLanguage) tokens.push([`l:${film.originalLanguage}`, fields.language])
  for (const keyword of film.keywords ?? []) tokens.push([`k:${keyword.toLowerCase()}`, fields.keyword])
  return tokens.filter(([, weight]) => weight > 0)
}

/** Built once per catalog (per isolate in the product, once per run in the evaluation). */
export function buildContentIndex(films: readonly FilmFeatures[], fields: FieldWeights = DEFAULT_FIELD_WEIGHTS): ContentIndex {
  const rows = films.map((film) => {
    const merged = new Map<string, number>()
    for (const [token, weight] of tokensOf(film, fields)) merged.set(token, (merged.get(token) ?? 0) + weight)
    return merged
  })
  const tokenIds = new Map<string, number>()
  const documentFrequency: number[] = []
  for (const merged of rows) {
    for (const token of merged.keys()) {
      let id = tokenIds.get(token)
      if (id === undefined) tokenIds.set(token, (id = tokenIds.size))
      documentFrequency[id] = (documentFrequency[id] ?? 0) + 1
    }
  }
  const size = rows.reduce((sum, merged) => sum + merged.size, 0)
  const offsets = new Int32Array(films.length + 1)
  const tokens = new Int32Array(size)
  const values = new Float64Array(size)
  const norms = new Float64Array(films.length)
  let at = 0
  rows.forEach((merged, r) => {
    offsets[r] = at
    let norm = 0
    for (const [token, weight] of merged) {
      const id = tokenIds.get(token)!
      const value = weight * Math.log(1 + films.length / documentFrequency[id]!)
      tokens[at] = id
      values[at] = value
      norm += value * value
      at++
    }
    norms[r] = Math.sqrt(norm)
  })
  offsets[films.length] = at
  return { films, byId: new Map(films.map((film) => [film.id, film])), row: new Map(films.map((film, r) => [film.id, r])), offsets, tokens, values, norms, tokenCount: tokenIds.size }
}

/** Cosine similarity of two films' feature vectors (0 when either is unknown). */
export function contentSimilarity(index: ContentIndex, a: number, b: number): number {
  const ra = index.row.get(a)
  const rb = index.row.get(b)
  if (ra === undefined || rb === undefined || index.norms[ra] === 0 || index.norms[rb] === 0) return 0
  let dot = 0
  for (let i = index.offsets[ra]!; i < index.offsets[ra + 1]!; i++) {
    for (let j = index.offsets[rb]!; j < index.offsets[rb + 1]!; j++) if (index.tokens[i] === index.tokens[j]) dot += index.values[i]! * index.values[j]!
  }
  return dot / (index.norms[ra]! * index.norms[rb]!)
}

/**
 * Σ over seeds of weight × cosine(seed, film), for every film of the index, in one pass: the
 * seeds are folded into one profile vector first, so the cost is the catalog's size, not
 * catalog × seeds.
 */
export function scoreByProfile(index: ContentIndex, seeds: ReadonlyArray<{ filmId: number; weight: number }>): Map<number, number> {
  const profile = new Float64Array(index.tokenCount)
  let any = false
  for (const seed of seeds) {
    const r = index.row.get(seed.filmId)
    if (r === undefined || index.norms[r] === 0) continue
    any = true
    for (let i = index.offsets[r]!; i < index.offsets[r + 1]!; i++) profile[index.tokens[i]!]! += (seed.weight * index.values[i]!) / index.norms[r]!
  }
  const scores = new Map<number, number>()
  if (!any) return scores
  for (let r = 0; r < index.films.length; r++) {
    const norm = index.norms[r]!
    if (norm === 0) continue
    let dot = 0
    for (let i = index.offsets[r]!; i < index.offsets[r + 1]!; i++) dot += profile[index.tokens[i]!]! * index.values[i]!
    if (dot > 0) scores.set(index.films[r]!.id, dot / norm)
  }
  return scores
}

/** The seed a film is most similar to, for "Similar to <film>". */
export function closestSeed(index: ContentIndex, filmId: number, seeds: ReadonlyArray<{ filmId: number; weight: number }>): number | null {
  let best: number | null = null
  let bestScore = 0
  for (const seed of seeds) {
    if (seed.weight <= 0) continue
    const score = seed.weight * contentSimilarity(index, seed.filmId, filmId)
    if (score > bestScore) {
      bestScore = score
      best = seed.filmId
    }
  }
  return best
}
