/**
 * A reader of R's XDR serialization (format versions 2 and 3), enough for data frames in a
 * lazy-load database: vectors, pairlists, attributes, symbols, references and the compact
 * ALTREP forms R writes for sequences. No R needed. Layout: R Internals, "Serialization Formats".
 */

export type RObject =
  | null
  | { kind: 'symbol'; name: string }
  | { kind: 'pairlist'; entries: Array<{ tag: string | null; value: RObject }>; attributes: RAttributes }
  | { kind: 'integer' | 'logical'; data: Int32Array; attributes: RAttributes }
  | { kind: 'double'; data: Float64Array; attributes: RAttributes }
  | { kind: 'character'; data: Array<string | null>; attributes: RAttributes }
  | { kind: 'list'; data: RObject[]; attributes: RAttributes }
  | { kind: 'raw'; data: Uint8Array; attributes: RAttributes }
  | { kind: 'other'; sexptype: number }

export type RAttributes = Record<string, RObject>

/** R's NA for integers (and factors, logicals). */
export const NA_INTEGER = -2147483648

const SXP = { NIL: 0, SYM: 1, LIST: 2, CLO: 3, ENV: 4, PROM: 5, LANG: 6, SPECIAL: 7, BUILTIN: 8, CHAR: 9, LGL: 10, INT: 13, REAL: 14, CPLX: 15, STR: 16, DOT: 17, VEC: 19, EXPR: 20, BCODE: 21, EXTPTR: 22, WEAKREF: 23, RAW: 24, S4: 25 } as const
const SPECIAL = { REF: 255, NILVALUE: 254, GLOBALENV: 253, UNBOUNDVALUE: 252, MISSINGARG: 251, BASENAMESPACE: 250, NAMESPACE: 249, PACKAGE: 248, PERSIST: 247, EMPTYENV: 242, BASEENV: 241, ATTRLANG: 240, ATTRLIST: 239, ALTREP: 238 } as const

const UTF8_MASK = 1 << 3
const LATIN1_MASK = 1 << 2

class XdrReader {
  private offset = 0
  private readonly view: DataView
  private readonly refs: RObject[] = []

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  int(): number {
    const value = this.view.getInt32(this.offset)
    this.offset += 4
    return value
  }

  double(): number {
    const value = this.view.getFloat64(this.offset)
    this.offset += 8
    return value
  }

  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new Error('R serialization: unexpected end of data')
    const slice = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return slice
  }

  header(): void {
    const magic = new TextDecoder().decode(this.take(2))
    if (magic !== 'X\n') throw new Error(`R serialization: only the XDR format is supported (got ${JSON.stringify(magic)})`)
    const version = this.int()
    this.int() // writer's R version
    this.int() // oldest R version that can read it
    if (version === 3) this.take(this.int()) // native encoding name
    else if (version !== 2) throw new Error(`R serialization: unsupported format version ${version}`)
  }

  private length(): number {
    const length = this.int()
    if (length !== -1) return length
    const upper = this.int()
    const lower = this.int()
    return upper * 2 ** 32 + (lower >>> 0)
  }

  private charsxp(flags: number): string | null {
    const length = this.int()
    if (length === -1) return null
    const bytes = this.take(length)
    const levels = flags >> 12
    return new TextDecoder(levels & LATIN1_MASK && !(levels & UTF8_MASK) ? 'latin1' : 'utf-8').decode(bytes)
  }

  private stringVector(): Array<string | null> {
    const length = this.length()
    const data: Array<string | null> = []
    for (let i = 0; i < length; i++) {
      const flags = this.int()
      data.push(this.charsxp(flags))
    }
    return data
  }

  private attributesOf(hasAttributes: boolean): RAttributes {
    if (!hasAttributes) return {}
    const list = this.item()
    const attributes: RAttributes = {}
    if (list && list.kind === 'pairlist') for (const { tag, value } of list.entries) if (tag !== null) attributes[tag] = value
    return attributes
  }

  item(): RObject {
    const flags = this.int()
    const type = flags & 0xff
    const hasAttributes = (flags & (1 << 9)) !== 0
    const hasTag = (flags & (1 << 10)) !== 0
    switch (type) {
      case SPECIAL.NILVALUE:
      case SXP.NIL:
        return null
      case SPECIAL.EMPTYENV:
      case SPECIAL.BASEENV:
      case SPECIAL.GLOBALENV:
      case SPECIAL.UNBOUNDVALUE:
      case SPECIAL.MISSINGARG:
      case SPECIAL.BASENAMESPACE:
        return { kind: 'other', sexptype: type }
      case SPECIAL.REF: {
        const index = flags >> 8 || this.int()
        const target = this.refs[index - 1]
        if (target === undefined) throw new Error(`R serialization: dangling reference ${index}`)
        return target
      }
      case SPECIAL.PERSIST:
      case SPECIAL.NAMESPACE:
      case SPECIAL.PACKAGE: {
        if (this.int() !== 0) throw new Error('R serialization: unexpected string vector form')
        this.stringVector()
        const placeholder: RObject = { kind: 'other', sexptype: type }
        this.refs.push(placeholder)
        return placeholder
      }
      case SXP.SYM: {
        const name = this.item() as unknown
        const symbol: RObject = { kind: 'symbol', name: typeof name === 'string' ? name : String(name) }
        this.refs.push(symbol)
        return symbol
      }
      case SXP.CHAR:
        return this.charsxp(flags) as unknown as RObject
      case SXP.ENV: {
        const env: RObject = { kind: 'other', sexptype: type }
        this.refs.push(env)
        this.int() // locked
        this.item() // enclosure
        this.item() // frame
        this.item() // hash table
        this.item() // attributes
        return env
      }
      case SXP.LIST:
      case SXP.LANG:
      case SXP.CLO:
      case SXP.PROM:
      case SXP.DOT:
      case SPECIAL.ATTRLANG:
      case SPECIAL.ATTRLIST:
        return this.pairlist(type, hasAttributes || type === SPECIAL.ATTRLANG || type === SPECIAL.ATTRLIST, hasTag)
      case SXP.SPECIAL:
      case SXP.BUILTIN:
        this.take(this.int())
        return { kind: 'other', sexptype: type }
      case SXP.LGL:
      case SXP.INT: {
        const length = this.length()
        const data = new Int32Array(length)
        for (let i = 0; i < length; i++) data[i] = this.int()
        return { kind: type === SXP.INT ? 'integer' : 'logical', data, attributes: this.attributesOf(hasAttributes) }
      }
      case SXP.REAL: {
        const length = this.length()
        const data = new Float64Array(length)
        for (let i = 0; i < length; i++) data[i] = this.double()
        return { kind: 'double', data, attributes: this.attributesOf(hasAttributes) }
      }
      case SXP.CPLX: {
        this.take(this.length() * 16)
        this.attributesOf(hasAttributes)
        return { kind: 'other', sexptype: type }
      }
      case SXP.STR: {
        const data = this.stringVector()
        return { kind: 'character', data, attributes: this.attributesOf(hasAttributes) }
      }
      case SXP.VEC:
      case SXP.EXPR: {
        const length = this.length()
        const data: RObject[] = []
        for (let i = 0; i < length; i++) data.push(this.item())
        return { kind: 'list', data, attributes: this.attributesOf(hasAttributes) }
      }
      case SXP.RAW: {
        const data = this.take(this.length()).slice()
        return { kind: 'raw', data, attributes: this.attributesOf(hasAttributes) }
      }
      case SXP.S4:
        this.attributesOf(hasAttributes)
        return { kind: 'other', sexptype: type }
      case SPECIAL.ALTREP:
        return this.altrep()
      default:
        throw new Error(`R serialization: unsupported SEXP type ${type}`)
    }
  }

  private pairlist(type: number, hasAttributes: boolean, hasTag: boolean): RObject {
    const attributes = hasAttributes ? this.attributesOf(true) : {}
    const tagObject = hasTag ? this.item() : null
    const tag = tagObject && tagObject.kind === 'symbol' ? tagObject.name : null
    const value = this.item()
    const rest = this.item()
    if (type !== SXP.LIST && type !== SPECIAL.ATTRLIST) return { kind: 'other', sexptype: type }
    const entries = [{ tag, value }, ...(rest && rest.kind === 'pairlist' ? rest.entries : [])]
    return { kind: 'pairlist', entries, attributes }
  }

  /** Compact sequences and wrappers R ≥ 3.5 writes instead of plain vectors. */
  private altrep(): RObject {
    const info = this.item()
    const state = this.item()
    const attributes = this.attributesOf(true)
    const className = info && info.kind === 'pairlist' && info.entries[0]?.value?.kind === 'symbol' ? info.entries[0].value.name : ''
    if ((className === 'compact_intseq' || className === 'compact_realseq') && state && state.kind === 'double') {
      const [length = 0, start = 0, step = 1] = state.data
      const values = Array.from({ length }, (_, i) => start + i * step)
      return className === 'compact_intseq' ? { kind: 'integer', data: Int32Array.from(values), attributes } : { kind: 'double', data: Float64Array.from(values), attributes }
    }
    if (className.startsWith('wrap_') && state && state.kind === 'list' && state.data[0]) {
      const wrapped = state.data[0]
      return wrapped && 'attributes' in wrapped ? { ...wrapped, attributes: { ...wrapped.attributes, ...attributes } } : wrapped
    }
    if (className === 'deferred_string' && state && state.kind === 'pairlist') {
      const source = state.entries[0]?.value
      if (source && (source.kind === 'integer' || source.kind === 'double')) return { kind: 'character', data: Array.from(source.data, (value) => String(value)), attributes }
    }
    throw new Error(`R serialization: unsupported ALTREP class ${className || '?'}`)
  }
}

/** Unserializes one R object from XDR bytes (as `unserialize()` would). */
export function unserialize(bytes: Uint8Array): RObject {
  const reader = new XdrReader(bytes)
  reader.header()
  return reader.item()
}

/** A named element of an R list (`x[["name"]]`). */
export function listElement(list: RObject, name: string): RObject | undefined {
  if (!list || list.kind !== 'list') return undefined
  const names = list.attributes.names
  if (!names || names.kind !== 'character') return undefined
  const index = names.data.indexOf(name)
  return index >= 0 ? list.data[index] : undefined
}
