import { readFile } from 'node:fs/promises'
import { gunzipSync, inflateSync } from 'node:zlib'
import type { RObject } from './r-serialization'
import { listElement, unserialize } from './r-serialization'

/**
 * R's lazy-load database (an installed package's `data/Rdata.rdx` + `Rdata.rdb`): the `.rdx` is a
 * gzip'd serialized index `list(variables = list(name = c(offset, length)), references, compressed)`;
 * each `.rdb` entry at that offset is a 4-byte big-endian uncompressed length and a zlib stream.
 */

export interface LazyLoadDatabase {
  names: string[]
  load(name: string): RObject
}

export async function openLazyLoadDatabase(basePath: string): Promise<LazyLoadDatabase> {
  const index = unserialize(gunzipSync(await readFile(`${basePath}.rdx`)))
  const rdb = await readFile(`${basePath}.rdb`)
  const variables = listElement(index, 'variables')
  const compressed = listElement(index, 'compressed')
  if (!variables || variables.kind !== 'list') throw new Error('lazy-load index without variables')
  const mode = compressed && (compressed.kind === 'logical' || compressed.kind === 'integer' || compressed.kind === 'double') ? Number(compressed.data[0]) : 1
  if (mode !== 1) throw new Error(`lazy-load database compressed with mode ${mode}: only zlib (1) is supported`)
  const names = variables.attributes.names?.kind === 'character' ? variables.attributes.names.data.map(String) : []
  return {
    names,
    load(name: string) {
      const position = listElement(variables, name)
      if (!position || (position.kind !== 'integer' && position.kind !== 'double')) throw new Error(`no ${name} in the lazy-load database`)
      const [offset = 0, length = 0] = position.data
      const entry = rdb.subarray(offset, offset + length)
      const expected = entry.readUInt32BE(0)
      const bytes = inflateSync(entry.subarray(4))
      if (bytes.length !== expected) throw new Error(`lazy-load entry ${name}: ${bytes.length} bytes, expected ${expected}`)
      return unserialize(bytes)
    },
  }
}

/** A data frame's columns, as plain arrays; factors become their level labels. */
export function dataFrameColumns(frame: RObject): Record<string, Array<string | number | null>> {
  if (!frame || frame.kind !== 'list') throw new Error('not a data frame')
  const names = frame.attributes.names
  if (!names || names.kind !== 'character') throw new Error('data frame without names')
  const columns: Record<string, Array<string | number | null>> = {}
  frame.data.forEach((column, i) => {
    const name = names.data[i] ?? `V${i + 1}`
    columns[name] = columnValues(column)
  })
  return columns
}

function columnValues(column: RObject): Array<string | number | null> {
  if (!column || column.kind === 'symbol' || column.kind === 'other' || column.kind === 'pairlist') throw new Error('unsupported data frame column')
  const levels = column.attributes.levels
  if (column.kind === 'integer' && levels && levels.kind === 'character') return Array.from(column.data, (code) => (code > 0 ? (levels.data[code - 1] ?? null) : null))
  if (column.kind === 'integer' || column.kind === 'logical') return Array.from(column.data, (value) => (value === -2147483648 ? null : value))
  if (column.kind === 'double') return Array.from(column.data, (value) => (Number.isNaN(value) ? null : value))
  if (column.kind === 'character') return column.data
  throw new Error(`unsupported data frame column type ${column.kind}`)
}
