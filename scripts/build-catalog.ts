/**
 * Builds the bundled offline catalog (src/catalog/bundled/films.json) from
 * vega-datasets' data/movies.json, read from the installed package (never its CDN loader).
 *
 *   npm run build:catalog
 *
 * Cleaning, each found by inspecting the data:
 * - accents: the titles were Latin-1 bytes decoded as Mac Roman (`AmÈlie`, `arrÍtÈ`, `pi˘`, `2Ω`); every
 *   character of Mac Roman's upper half is mapped back to its byte and decoded as windows-1252
 *   (`È`→`é`, `Ω`→`½`, `Ö`→`…`). Characters Mac Roman lacks (`Alien³`) are left alone.
 * - wrong century: 22 release dates of films from 1915–1946 were parsed into 2015–2046; the dataset's own
 *   latest real releases are from 2011, so a year after LATEST_PLAUSIBLE_YEAR loses 100 years.
 * - numeric titles (`1776`, `54`, `300`, `2012`) are real films: kept, as strings.
 * - `Title, The` library-style titles become `The Title`; whitespace is collapsed; `King Kong (1933)` loses
 *   the year its release date already holds.
 * - the untitled record is dropped; exact duplicates (same title and release date) collapse into the record
 *   with the most data. Remakes sharing a title (King Kong 1976/2005) stay distinct films.
 *
 * Ids: FNV-1a of `title|release date`, folded into 900000000–999999999 (the contract's bundled range), probing
 * upward on a collision in (title, date) order. A film keeps its id across rebuilds, even if other films are
 * added or removed, so watchlists and reviews keyed by id survive a data update.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FilmData, FilmRow } from '../src/catalog/bundled/data'
import { fnv1a } from '../src/shared/fnv1a'

const LATEST_PLAUSIBLE_YEAR = 2012
const FIRST_ID = 900_000_000
const ID_SPAN = 100_000_000
const OUTPUT = fileURLToPath(new URL('../src/catalog/bundled/films.json', import.meta.url))

/** Mac Roman 0x80–0xFF. */
const MAC_ROMAN_HIGH =
  'ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u00a0ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\uf8ffÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ'
/** windows-1252 0x80–0x9F (Node's TextDecoder treats windows-1252 as Latin-1, so it is spelled out). */
const WINDOWS_1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'
const windows1252 = (byte: number) => (byte < 0xa0 ? WINDOWS_1252_C1[byte - 0x80]! : String.fromCharCode(byte))

/** Undoes Latin-1 text that was decoded as Mac Roman. */
export function fixMacRomanMojibake(text: string): string {
  return Array.from(text, (char) => {
    const index = MAC_ROMAN_HIGH.indexOf(char)
    return index < 0 ? char : windows1252(0x80 + index)
  }).join('')
}

export function cleanTitle(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null
  let title = fixMacRomanMojibake(String(raw)).replace(/\s+/g, ' ').trim()
  const article = /^(.*), (The|A|An)$/.exec(title)
  if (article) title = `${article[2]} ${article[1]}`
  return title || null
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** `Jun 12 1998` → `1998-06-12`, moving dates pushed into the wrong century back. */
export function cleanDate(raw: unknown): string | null {
  const match = typeof raw === 'string' ? /^([A-Z][a-z]{2}) (\d{2}) (\d{4})$/.exec(raw) : null
  if (!match) return null
  const month = MONTHS.indexOf(match[1]!) + 1
  if (month === 0) return null
  let year = Number(match[3])
  if (year > LATEST_PLAUSIBLE_YEAR) year -= 100
  return `${year}-${String(month).padStart(2, '0')}-${match[2]}`
}

const MAJOR_GENRES: Record<string, number[]> = {
  Action: [28],
  Adventure: [12],
  'Black Comedy': [35],
  Comedy: [35],
  'Concert/Performance': [10402, 99],
  Documentary: [99],
  Drama: [18],
  Horror: [27],
  Musical: [10402],
  'Romantic Comedy': [10749, 35],
  'Thriller/Suspense': [53],
  Western: [37],
}
const CREATIVE_TYPE_GENRES: Record<string, number[]> = {
  'Science Fiction': [878],
  Fantasy: [14],
  'Historical Fiction': [36],
  'Kids Fiction': [10751],
  'Super Hero': [28],
}

export function genresOf(majorGenre: unknown, creativeType: unknown): number[] {
  const ids = [...(MAJOR_GENRES[String(majorGenre)] ?? []), ...(CREATIVE_TYPE_GENRES[String(creativeType)] ?? [])]
  return [...new Set(ids)]
}

interface SourceRecord {
  Title: unknown
  'Release Date': unknown
  'Major Genre': unknown
  'Creative Type': unknown
  Director: unknown
  'Running Time min': unknown
  'IMDB Rating': unknown
  'IMDB Votes': unknown
  'Rotten Tomatoes Rating': unknown
  'MPAA Rating': unknown
  Source: unknown
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null)
const str = (value: unknown) => (typeof value === 'string' && value.trim() ? fixMacRomanMojibake(value.trim()) : null)

export function buildRows(records: SourceRecord[]): FilmRow[] {
  const byKey = new Map<string, FilmData>()
  for (const record of records) {
    let title = cleanTitle(record.Title)
    if (!title) continue
    const date = cleanDate(record['Release Date'])
    // `King Kong (1933)`: a year in the title that repeats the release year only disambiguated the source.
    if (date && title.endsWith(` (${date.slice(0, 4)})`)) title = title.slice(0, -7)
    const rating = num(record['IMDB Rating'])
    const row: FilmData = [
      title,
      date,
      genresOf(record['Major Genre'], record['Creative Type']),
      str(record.Director),
      num(record['Running Time min']),
      rating === null ? null : Math.min(10, Math.max(0, rating)),
      num(record['IMDB Votes']),
      num(record['Rotten Tomatoes Rating']),
      str(record['MPAA Rating']),
      str(record.Source),
    ]
    const key = `${title}|${date}`
    const known = byKey.get(key)
    const filled = (r: FilmData) => r.filter((v) => v !== null && !(Array.isArray(v) && !v.length)).length
    if (!known || filled(row) > filled(known)) byKey.set(key, row)
  }
  const sorted = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const taken = new Set<number>()
  return sorted.map(([key, row]) => {
    let offset = fnv1a(key) % ID_SPAN
    while (taken.has(offset)) offset = (offset + 1) % ID_SPAN
    taken.add(offset)
    return [FIRST_ID + offset, ...row] as FilmRow
  })
}

async function main() {
  const started = performance.now()
  const packageDir = join(dirname(fileURLToPath(import.meta.resolve('vega-datasets'))), '..')
  const source = join(packageDir, 'data', 'movies.json')
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string }
  const records = JSON.parse(await readFile(source, 'utf8')) as SourceRecord[]
  const rows = buildRows(records)
  const newest = rows.reduce<string>((max, row) => (row[2] && row[2] > max ? row[2] : max), '')
  const text =
    `{"source":"vega-datasets@${version} data/movies.json","count":${rows.length},"newest_release":"${newest}","films":[\n` +
    rows.map((row) => JSON.stringify(row)).join(',\n') +
    '\n]}\n'
  await mkdir(dirname(OUTPUT), { recursive: true })
  await writeFile(OUTPUT, text)
  const ms = Math.round(performance.now() - started)
  console.log(`${rows.length} films from ${records.length} records → ${OUTPUT} (${(text.length / 1024).toFixed(0)} KiB) in ${ms} ms`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
