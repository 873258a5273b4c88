/**
 * Plain JavaScript values <-> DynamoDB attribute values. Sets are never produced
 * (arrays become L), so round trips keep order and duplicates; undefined is dropped.
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { B: string }
  | { L: AttributeValue[] }
  | { M: AttributeMap }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }

export type AttributeMap = Record<string, AttributeValue>

export function marshallValue(value: unknown): AttributeValue | undefined {
  if (value === undefined) return undefined
  if (value === null) return { NULL: true }
  switch (typeof value) {
    case 'string':
      return { S: value }
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot store non-finite number ${value} in DynamoDB`)
      return { N: String(value) }
    case 'bigint':
      return { N: value.toString() }
    case 'boolean':
      return { BOOL: value }
    case 'object':
      break
    default:
      throw new TypeError(`cannot store a ${typeof value} in DynamoDB`)
  }
  if (Array.isArray(value)) return { L: value.map((item) => marshallValue(item) ?? { NULL: true }) }
  if (value instanceof Date) return { S: value.toISOString() }
  if (value instanceof Uint8Array) return { B: toBase64(value) }
  return { M: marshall(value as Record<string, unknown>) }
}

/** A plain object to a DynamoDB attribute map (Item, Key, ExpressionAttributeValues). */
export function marshall(object: Record<string, unknown>): AttributeMap {
  const out: AttributeMap = {}
  for (const [key, value] of Object.entries(object)) {
    const attribute = marshallValue(value)
    if (attribute !== undefined) out[key] = attribute
  }
  return out
}

export function unmarshallValue(attribute: AttributeValue): unknown {
  if ('S' in attribute) return attribute.S
  if ('N' in attribute) return Number(attribute.N)
  if ('BOOL' in attribute) return attribute.BOOL
  if ('NULL' in attribute) return null
  if ('B' in attribute) return fromBase64(attribute.B)
  if ('L' in attribute) return attribute.L.map(unmarshallValue)
  if ('M' in attribute) return unmarshall(attribute.M)
  if ('SS' in attribute) return [...attribute.SS]
  if ('NS' in attribute) return attribute.NS.map(Number)
  if ('BS' in attribute) return attribute.BS.map(fromBase64)
  throw new TypeError(`unknown DynamoDB attribute value ${JSON.stringify(attribute)}`)
}

/** A DynamoDB attribute map to a plain object. */
export function unmarshall<T = Record<string, unknown>>(map: AttributeMap): T {
  const out: Record<string, unknown> = {}
  for (const [key, attribute] of Object.entries(map)) out[key] = unmarshallValue(attribute)
  return out as T
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}
