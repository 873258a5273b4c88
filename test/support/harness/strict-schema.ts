/** A JSON Schema (2020-12) as the OpenAPI document writes them. */
export type JsonSchema = { [keyword: string]: unknown }

/** Keywords whose value is one subschema / a list of them / a map of them. */
const ONE = ['items', 'not', 'contains', 'if', 'then', 'else', 'propertyNames', 'additionalProperties', 'unevaluatedProperties', 'unevaluatedItems']
const LIST = ['prefixItems', 'allOf', 'anyOf', 'oneOf']
const MAP = ['properties', 'patternProperties', '$defs', 'dependentSchemas']
/**
 * A member of allOf is judged with its siblings: closing it alone would refuse the properties they declare, so the
 * allOf's own schema is closed instead. A member of anyOf or oneOf must match on its own: it is closed itself.
 */
const COMBINED = 'allOf'
/** Keywords by which a schema already says what other properties it takes. */
const OPEN_OR_CLOSED = ['additionalProperties', 'unevaluatedProperties', 'patternProperties']

const describesObject = (schema: JsonSchema): boolean =>
  schema.type === 'object' ||
  (Array.isArray(schema.type) && schema.type.includes('object')) ||
  'properties' in schema ||
  (Array.isArray(schema[COMBINED]) && (schema[COMBINED] as JsonSchema[]).some(describesObject))

/**
 * `schema` with every object closed where the document does not say otherwise (`unevaluatedProperties: false`, which
 * also sees the properties its allOf members declare), and the document's `#/components/schemas/…`
 * references inlined, so it compiles on its own. An empty schema (`{}`, "anything") stays open.
 */
export function strictSchema(schema: JsonSchema, components: Record<string, JsonSchema>, member = false): JsonSchema {
  const ref = typeof schema.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(schema.$ref) : null
  if (ref) {
    const { $ref: _ref, ...rest } = schema
    return strictSchema({ ...components[ref[1]!], ...rest }, components, member)
  }
  const out: JsonSchema = {}
  for (const [keyword, value] of Object.entries(schema)) {
    if (ONE.includes(keyword) && isSchema(value)) out[keyword] = strictSchema(value, components)
    else if (LIST.includes(keyword) && Array.isArray(value)) out[keyword] = value.map((s: JsonSchema) => strictSchema(s, components, keyword === COMBINED))
    else if (MAP.includes(keyword) && isSchema(value)) out[keyword] = Object.fromEntries(Object.entries(value).map(([k, s]) => [k, strictSchema(s as JsonSchema, components)]))
    else out[keyword] = value
  }
  if (!member && describesObject(schema) && !OPEN_OR_CLOSED.some((k) => k in schema)) out.unevaluatedProperties = false
  return out
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
