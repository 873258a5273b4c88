import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evalRecs } from '../../scripts/eval-recs'
import { formatTable } from '../../scripts/lib/recs-eval'
import { DSLABS_VERSION, fetchDslabs, readMovieLens } from '../../scripts/lib/movielens'
import { seededRandom } from '../../scripts/lib/recs-metrics'
import { lazyLoadDatabase, serializeDataFrame } from '../support/r-serialize'

/**
 * `npm run eval:recs` end to end on a tiny MovieLens look-alike written as an R lazy-load
 * database in the test (no download): two taste groups, so a working recommender must beat
 * "most popular".
 */

function syntheticRatings() {
  const random = seededRandom(7)
  const rows = { movieId: [] as number[], title: [] as string[], year: [] as number[], genres: [] as string[], userId: [] as number[], rating: [] as number[], timestamp: [] as number[] }
  const genreOf = (movie: number) => (movie <= 20 ? 'Sci-Fi|Thriller' : movie <= 40 ? 'Comedy' : 'Drama')
  let clock = 1_300_000_000
  for (let user = 1; user <= 60; user++) {
    const fan = user % 2 === 0 ? 0 : 20
    // Each user rates a dozen films of their taste (high) and a few crowd-pleasers (middling).
    const rated = new Set<number>()
    while (rated.size < 12) rated.add(fan + 1 + Math.floor(random() * 20))
    for (const crowd of [41, 42, 43]) rated.add(crowd)
    for (const movie of rated) {
      rows.movieId.push(movie)
      rows.title.push(`Film ${movie}`)
      rows.year.push(1980 + (movie % 30))
      rows.genres.push(genreOf(movie))
      rows.userId.push(user)
      rows.rating.push(movie > 40 ? 3 : 4 + (random() < 0.5 ? 0.5 : 0))
      rows.timestamp.push((clock += 60 + Math.floor(random() * 600)))
    }
  }
  return rows
}

let dir: string
let base: string
const rows = syntheticRatings()

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eval-recs-'))
  base = join(dir, 'Rdata')
  const frame = serializeDataFrame({
    movieId: { type: 'integer', values: rows.movieId },
    title: { type: 'character', values: rows.title },
    year: { type: 'integer', values: rows.year },
    genres: { type: 'factor', values: rows.genres },
    userId: { type: 'integer', values: rows.userId },
    rating: { type: 'double', values: rows.rating },
    timestamp: { type: 'integer', values: rows.timestamp },
  })
  const { rdx, rdb } = lazyLoadDatabase({ other: serializeDataFrame({ x: { type: 'integer', values: [1] } }), movielens: frame })
  await writeFile(`${base}.rdx`, rdx)
  await writeFile(`${base}.rdb`, rdb)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('eval:recs', () => {
  it('reads the movielens data frame out of an R lazy-load database, factors as their labels', async () => {
    const data = await readMovieLens(base)
    expect(data.ratings).toHaveLength(rows.userId.length)
    expect(data.ratings[0]).toEqual({ userId: 1, movieId: rows.movieId[0], rating: rows.rating[0], timestamp: rows.timestamp[0] })
    expect(data.movies.get(1)).toEqual({ movieId: 1, title: 'Film 1', year: 1981, genres: ['Sci-Fi', 'Thriller'] })
    expect(data.movies.get(41)?.genres).toEqual(['Drama'])
  })

  it('tunes on validation, tests once, writes bench/recs.json in the issue’s shape and beats popularity', { timeout: 14_000 }, async () => {
    const out = join(dir, 'bench', 'recs.json')
    const lines: string[] = []
    const report = await evalRecs({ data: base, out, cacheDir: join(dir, 'cache'), tune: true, samples: 200, log: (line) => lines.push(line) })
    const written = JSON.parse(await readFile(out, 'utf8'))
    expect(Object.keys(written)).toEqual(expect.arrayContaining(['dataset', 'recommender', 'popularity', 'content', 'collaborative', 'ci95', 'seconds']))
    expect(written.dataset).toMatchObject({ ratings: rows.userId.length, users: 60, films: 43, evaluated_users: 60 })
    for (const model of ['recommender', 'popularity', 'content', 'collaborative']) {
      expect(written[model].hr10).toBeGreaterThanOrEqual(0)
      expect(written[model].hr10).toBeLessThanOrEqual(1)
      expect(written[model].ndcg10).toBeLessThanOrEqual(written[model].hr10)
    }
    for (const variant of ['recommender', 'content', 'collaborative']) {
      for (const metric of ['hr10', 'ndcg10']) {
        const { low, high } = written.ci95[variant][metric]
        expect(low).toBeLessThanOrEqual(high)
      }
    }
    // Popular films here are the middling crowd-pleasers everyone has rated: taste wins.
    expect(report.recommender.hr10).toBeGreaterThan(report.popularity.hr10)
    expect(report.ci95.recommender.hr10.low).toBeGreaterThan(1)
    expect(report.tuned.steps.length).toBeGreaterThan(0)
    expect(lines.some((line) => line.startsWith('validation:'))).toBe(true)
    expect(formatTable(report)).toContain('| recommender (blend) |')
  })

  it('refuses a package whose SHA-256 is not the pinned one, before reading it', async () => {
    const cache = join(dir, 'tampered')
    await mkdir(cache, { recursive: true })
    await writeFile(join(cache, `r-cran-dslabs_${DSLABS_VERSION}_all.deb`), 'not the package')
    await expect(fetchDslabs(cache)).rejects.toThrow(/SHA-256 .* expected c3f93382/)
  })
})
