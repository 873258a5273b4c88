/**
 * `npm run eval:recs`: offline evaluation of the recommender on MovieLens (issue 18).
 * Downloads the pinned Debian package into .data/eval/ (once, hash-checked), reads the ratings
 * with our own R-serialization reader, tunes on the validation split, runs the test split once,
 * writes bench/recs.json and prints the table. See docs/recommendations.md.
 *
 * Options: --data <dir/Rdata> reads an existing lazy-load database instead of downloading;
 * --out <file>; --no-tune tests the core's defaults as they are; --samples <n> bootstrap resamples.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DSLABS_PACKAGE, DSLABS_VERSION, fetchDslabs, readMovieLens } from './lib/movielens'
import type { RecsReport } from './lib/recs-eval'
import { evaluate, formatTable } from './lib/recs-eval'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export interface EvalRecsOptions {
  data?: string
  out: string
  cacheDir: string
  tune: boolean
  samples: number
  log: (line: string) => void
}

export async function evalRecs(options: EvalRecsOptions): Promise<RecsReport> {
  const base = options.data ?? (await fetchDslabs(options.cacheDir, options.log))
  const data = await readMovieLens(base)
  options.log(`read ${data.ratings.length} ratings of ${data.movies.size} films`)
  const report = evaluate(data, `${DSLABS_PACKAGE}=${DSLABS_VERSION}`, options)
  await mkdir(dirname(options.out), { recursive: true })
  await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`)
  return report
}

function parseArgs(argv: readonly string[]): EvalRecsOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag)
    return i >= 0 ? argv[i + 1] : undefined
  }
  return {
    data: value('--data'),
    out: resolve(value('--out') ?? `${root}/bench/recs.json`),
    cacheDir: resolve(`${root}/.data/eval`),
    tune: !argv.includes('--no-tune'),
    samples: Number(value('--samples') ?? 2000),
    log: (line) => console.log(line),
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2))
  evalRecs(options).then(
    (report) => {
      console.log(`\n${formatTable(report)}\n`)
      console.log(`${report.dataset.evaluated_users} users evaluated; ${report.seconds} s; wrote ${options.out}`)
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      process.exit(1)
    },
  )
}
