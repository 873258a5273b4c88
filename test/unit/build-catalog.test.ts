import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { buildRows, cleanDate, cleanTitle, fixMacRomanMojibake, genresOf } from '../../scripts/build-catalog'

/** The bundled catalog is reproducible: rebuilding from the installed vega-datasets gives the committed file. */

async function sourceRecords() {
  const packageDir = join(dirname(fileURLToPath(import.meta.resolve('vega-datasets'))), '..')
  return JSON.parse(await readFile(join(packageDir, 'data', 'movies.json'), 'utf8'))
}

describe('build-catalog', () => {
  it('rebuilds exactly the committed films.json rows', async () => {
    const committed = JSON.parse(await readFile(new URL('../../src/catalog/bundled/films.json', import.meta.url), 'utf8'))
    const rows = buildRows(await sourceRecords())
    expect(rows).toEqual(committed.films)
    expect(committed.count).toBe(rows.length)
  })

  it('keeps a film’s id when other films come and go', async () => {
    const records = await sourceRecords()
    type Row = ReturnType<typeof buildRows>[number]
    const idOf = (rows: Row[], film: Row) => rows.find((row) => row[1] === film[1] && row[2] === film[2])?.[0]
    const all = buildRows(records)
    const fewer = buildRows(records.filter((_: unknown, i: number) => i % 3 !== 0))
    expect(fewer.length).toBeLessThan(all.length)
    for (const row of fewer) expect(idOf(all, row), row[1]).toBe(row[0])
  })

  it('repairs the encodings, centuries and titles found in the data', () => {
    expect(fixMacRomanMojibake('AmÈlie')).toBe('Amélie')
    expect(fixMacRomanMojibake('Per qualche dollaro in pi˘')).toBe('Per qualche dollaro in più')
    expect(fixMacRomanMojibake('I Love You Ö Don\'t Touch Me!')).toBe("I Love You … Don't Touch Me!")
    expect(fixMacRomanMojibake('Alien³')).toBe('Alien³')
    expect(cleanDate('Dec 15 2039')).toBe('1939-12-15')
    expect(cleanDate('Dec 23 2011')).toBe('2011-12-23')
    expect(cleanDate('sometime')).toBeNull()
    expect(cleanTitle(1776)).toBe('1776')
    expect(cleanTitle(null)).toBeNull()
    expect(cleanTitle('Secret, The')).toBe('The Secret')
    expect(cleanTitle('Halloween:  The Curse of Michael Myers')).toBe('Halloween: The Curse of Michael Myers')
    expect(genresOf('Romantic Comedy', 'Kids Fiction')).toEqual([10749, 35, 10751])
    expect(genresOf(null, null)).toEqual([])
  })
})
