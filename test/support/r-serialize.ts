import { gzipSync, deflateSync } from 'node:zlib'

/**
 * A tiny writer of R's XDR serialization (format 3), for test fixtures only: enough for a
 * data.frame of integer, double, character and factor columns, and for the lazy-load index
 * (`list(variables=, references=, compressed=)`). The inverse of scripts/lib/r-serialization.ts.
 */

export type RColumn = { type: 'integer'; values: number[] } | { type: 'double'; values: number[] } | { type: 'character'; values: string[] } | { type: 'factor'; values: string[] }

class XdrWriter {
  private readonly chunks: Buffer[] = []
  int(value: number) {
    const buffer = Buffer.alloc(4)
    buffer.writeInt32BE(value)
    this.chunks.push(buffer)
  }
  double(value: number) {
    const buffer = Buffer.alloc(8)
    buffer.writeDoubleBE(value)
    this.chunks.push(buffer)
  }
  bytes(value: Buffer) {
    this.chunks.push(value)
  }
  result() {
    return Buffer.concat(this.chunks)
  }
}

const INTSXP = 13
const REALSXP = 14
const STRSXP = 16
const VECSXP = 19
const LGLSXP = 10
const LISTSXP = 2
const SYMSXP = 1
const CHARSXP = 9
const NILVALUE = 254
const HAS_ATTR = 1 << 9
const HAS_TAG = 1 << 10
const IS_OBJECT = 1 << 8
const UTF8 = 1 << 3

type Attributes = Array<[string, () => void]>

function writer() {
  const w = new XdrWriter()
  const charsxp = (value: string) => {
    const bytes = Buffer.from(value, 'utf8')
    w.int(CHARSXP | ((UTF8 | (1 << 6)) << 12))
    w.int(bytes.length)
    w.bytes(bytes)
  }
  const attributes = (attrs: Attributes) => {
    for (const [name, write] of attrs) {
      w.int(LISTSXP | HAS_TAG)
      w.int(SYMSXP)
      charsxp(name)
      write()
    }
    w.int(NILVALUE)
  }
  const flags = (type: number, attrs: Attributes, object = false) => type | (attrs.length ? HAS_ATTR : 0) | (object ? IS_OBJECT : 0)
  const strings = (values: string[], attrs: Attributes = []) => {
    w.int(flags(STRSXP, attrs))
    w.int(values.length)
    for (const value of values) charsxp(value)
    if (attrs.length) attributes(attrs)
  }
  const integers = (values: number[], attrs: Attributes = [], type = INTSXP, object = false) => {
    w.int(flags(type, attrs, object))
    w.int(values.length)
    for (const value of values) w.int(value)
    if (attrs.length) attributes(attrs)
  }
  const doubles = (values: number[]) => {
    w.int(REALSXP)
    w.int(values.length)
    for (const value of values) w.double(value)
  }
  const list = (items: Array<() => void>, attrs: Attributes, object = false) => {
    w.int(flags(VECSXP, attrs, object))
    w.int(items.length)
    for (const item of items) item()
    if (attrs.length) attributes(attrs)
  }
  const header = () => {
    w.bytes(Buffer.from('X\n'))
    w.int(3)
    w.int(0x040100)
    w.int(0x030500)
    w.int(5)
    w.bytes(Buffer.from('UTF-8'))
  }
  return { w, strings, integers, doubles, list, header }
}

/** `serialize(data.frame(...), NULL, xdr = TRUE)` for the given columns. */
export function serializeDataFrame(columns: Record<string, RColumn>): Buffer {
  const { w, strings, integers, doubles, list, header } = writer()
  header()
  const names = Object.keys(columns)
  const rows = Object.values(columns)[0]?.values.length ?? 0
  const items = names.map((name) => () => {
    const column = columns[name]!
    if (column.type === 'integer') integers(column.values)
    else if (column.type === 'double') doubles(column.values)
    else if (column.type === 'character') strings(column.values)
    else {
      const levels = [...new Set(column.values)].sort()
      integers(
        column.values.map((value) => levels.indexOf(value) + 1),
        [
          ['levels', () => strings(levels)],
          ['class', () => strings(['factor'])],
        ],
        INTSXP,
        true,
      )
    }
  })
  list(
    items,
    [
      ['names', () => strings(names)],
      ['class', () => strings(['data.frame'])],
      ['row.names', () => integers([-2147483648, -rows])],
    ],
    true,
  )
  return w.result()
}

/** A lazy-load database (`<base>.rdx` gzip index + `<base>.rdb` entries) holding serialized objects by name. */
export function lazyLoadDatabase(objects: Record<string, Buffer>): { rdx: Buffer; rdb: Buffer } {
  const entries: Buffer[] = []
  const positions: Array<[string, number, number]> = []
  let offset = 0
  for (const [name, serialized] of Object.entries(objects)) {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(serialized.length)
    const entry = Buffer.concat([length, deflateSync(serialized)])
    positions.push([name, offset, entry.length])
    entries.push(entry)
    offset += entry.length
  }
  const { w, strings, integers, list, header } = writer()
  header()
  list(
    [
      () => list(positions.map(([, at, length]) => () => integers([at, length])), [['names', () => strings(positions.map(([name]) => name))]]),
      () => list([], []),
      () => integers([1], [], LGLSXP),
    ],
    [['names', () => strings(['variables', 'references', 'compressed'])]],
  )
  return { rdx: gzipSync(w.result()), rdb: Buffer.concat(entries) }
}
