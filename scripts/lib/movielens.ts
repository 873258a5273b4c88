import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { dataFrameColumns, openLazyLoadDatabase } from './r-lazyload'

/**
 * MovieLens (GroupLens' "ml-latest-small" of 2016: 100,004 ratings by 671 users) as shipped in
 * Debian's r-cran-dslabs. Fetched on demand into a git-ignored cache, never committed: GroupLens'
 * terms allow research use but not redistribution.
 */

const run = promisify(execFile)

export const DSLABS_PACKAGE = 'r-cran-dslabs'
export const DSLABS_VERSION = '0.7.4-1'
/** SHA-256 of r-cran-dslabs_0.7.4-1_all.deb as Debian served it on 2026-11-25. */
export const DSLABS_SHA256 = 'c3f93382c44d4581de9561792a87b110cb239c70771cac5ad63fa0a259e71ef3'
const DATA_PATH = 'usr/lib/R/site-library/dslabs/data'

export interface Rating {
  userId: number
  movieId: number
  /** 0.5–5 stars. */
  rating: number
  /** Epoch seconds. */
  timestamp: number
}

export interface Movie {
  movieId: number
  title: string
  year: number | null
  genres: string[]
}

export interface MovieLens {
  ratings: Rating[]
  movies: Map<number, Movie>
}

export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
}

/**
 * Downloads (once) and unpacks the pinned package; returns the lazy-load base path
 * (`…/data/Rdata`). A package with another hash is refused, not read.
 */
export async function fetchDslabs(cacheDir: string, log: (line: string) => void = () => {}): Promise<string> {
  const extracted = join(cacheDir, 'dslabs')
  const base = join(extracted, DATA_PATH, 'Rdata')
  if (existsSync(`${base}.rdb`)) return base
  await mkdir(cacheDir, { recursive: true })
  const debName = `${DSLABS_PACKAGE}_${DSLABS_VERSION}_all.deb`
  const deb = join(cacheDir, debName)
  if (!existsSync(deb)) {
    log(`apt-get download ${DSLABS_PACKAGE}=${DSLABS_VERSION}`)
    await run('apt-get', ['download', `${DSLABS_PACKAGE}=${DSLABS_VERSION}`], { cwd: cacheDir })
    const downloaded = (await readdir(cacheDir)).find((name) => name.startsWith(`${DSLABS_PACKAGE}_`) && name.endsWith('.deb'))
    if (!downloaded) throw new Error(`apt-get download left no ${DSLABS_PACKAGE} package in ${cacheDir}`)
    if (downloaded !== debName) await rename(join(cacheDir, downloaded), deb)
  }
  const hash = await sha256Of(deb)
  if (hash !== DSLABS_SHA256) throw new Error(`${debName}: SHA-256 ${hash}, expected ${DSLABS_SHA256}; refusing to read it`)
  await run('dpkg-deb', ['-x', deb, extracted])
  return base
}

/** Reads the `movielens` data frame from a lazy-load database (`base` without .rdx/.rdb). */
export async function readMovieLens(base: string): Promise<MovieLens> {
  const database = await openLazyLoadDatabase(base)
  const columns = dataFrameColumns(database.load('movielens'))
  const required = ['movieId', 'title', 'year', 'genres', 'userId', 'rating', 'timestamp']
  for (const name of required) if (!columns[name]) throw new Error(`movielens has no ${name} column`)
  const column = (name: string) => columns[name]!
  const ratings: Rating[] = []
  const movies = new Map<number, Movie>()
  const rows = column('movieId').length
  for (let i = 0; i < rows; i++) {
    const movieId = Number(column('movieId')[i])
    const rating: Rating = { userId: Number(column('userId')[i]), movieId, rating: Number(column('rating')[i]), timestamp: Number(column('timestamp')[i]) }
    if (![rating.userId, rating.movieId, rating.rating, rating.timestamp].every(Number.isFinite)) continue
    ratings.push(rating)
    if (!movies.has(movieId)) {
      const genres = String(column('genres')[i] ?? '')
      const year = column('year')[i]
      movies.set(movieId, {
        movieId,
        title: String(column('title')[i] ?? movieId),
        year: typeof year === 'number' ? year : null,
        genres: genres === '(no genres listed)' ? [] : genres.split('|').filter(Boolean),
      })
    }
  }
  return { ratings, movies }
}
