import type { Hono } from 'hono'
import { z, type ZodType } from 'zod'
import { ErrorBodySchema } from '../schemas/common'
import { metaOf, type OperationDoc, type ValidationTarget } from './metadata'

type JsonSchema = Record<string, unknown>

function jsonSchema(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' })
  return rest
}

/** The document's own outline (GET /api/v1/openapi.json); OpenAPI 3.1 defines the rest. */
export const OpenApiDocumentSchema = z.object({
  openapi: z.string(),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.record(z.string(), z.unknown()),
})

/** `/api/v1/movies/:id` → `/api/v1/movies/{id}` */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')

function parametersFrom(target: 'query' | 'param' | 'header', schema: ZodType) {
  const shape = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] }
  const location = target === 'param' ? 'path' : target
  return Object.entries(shape.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (shape.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }))
}

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Malformed request or invalid id',
  401: 'Missing, expired or revoked token',
  422: 'Validation failed',
}

/** OpenAPI requires every `{name}` of a path to be declared; a route without a param validator still gets a plain string. */
function undeclaredPathParameters(path: string, declared: { name: string; in: string }[]) {
  const names = [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] as string)
  return names
    .filter((name) => !declared.some((p) => p.in === 'path' && p.name === name))
    .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
}

function operationFor(path: string, doc: OperationDoc, validators: { target: ValidationTarget; schema: ZodType }[]) {
  const operation: Record<string, unknown> = {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.tags ? { tags: doc.tags } : {}),
    ...(doc.auth ? { security: [{ bearerAuth: [] }] } : {}),
  }
  const parameters = validators.flatMap(({ target, schema }) =>
    target === 'query' || target === 'param' || target === 'header' ? parametersFrom(target, schema) : [],
  )
  parameters.push(...undeclaredPathParameters(path, parameters))
  if (parameters.length) operation.parameters = parameters
  const body = validators.find((v) => v.target === 'json' || v.target === 'form')
  if (body) {
    const mediaType = body.target === 'json' ? 'application/json' : 'application/x-www-form-urlencoded'
    operation.requestBody = { required: true, content: { [mediaType]: { schema: jsonSchema(body.schema, 'input') } } }
  }
  const responses: Record<string, unknown> = {}
  for (const [status, response] of Object.entries(doc.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } } : {}),
    }
  }
  const errorStatuses = new Set<number>()
  if (validators.length) errorStatuses.add(422)
  if (validators.some((v) => v.target === 'param' || v.target === 'json')) errorStatuses.add(400)
  if (doc.auth) errorStatuses.add(401)
  for (const status of errorStatuses) {
    responses[status] ??= {
      description: STANDARD_ERRORS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    }
  }
  operation.responses = responses
  return operation
}

/**
 * Builds the OpenAPI 3.1 document from the app's own routes: every route whose
 * handlers include `describe(...)` is listed, with the very zod schemas that
 * validate its requests. HTML form routes use `validate(...)` too but are not API operations.
 */
export function buildOpenApiDocument(app: Hono<any>, info: { title: string; version: string }) {
  const grouped = new Map<string, { method: string; path: string; handlers: unknown[] }>()
  for (const route of app.routes) {
    if (route.method === 'ALL') continue
    const key = `${route.method} ${route.path}`
    const entry = grouped.get(key) ?? { method: route.method.toLowerCase(), path: route.path, handlers: [] }
    entry.handlers.push(route.handler)
    grouped.set(key, entry)
  }
  const paths: Record<string, Record<string, unknown>> = {}
  for (const { method, path, handlers } of grouped.values()) {
    const metas = handlers.map(metaOf).filter((m) => m !== undefined)
    if (!metas.length) continue
    const doc = metas.find((m) => m.kind === 'operation')
    if (doc?.kind !== 'operation') continue
    const validators = metas.filter((m) => m.kind === 'validator')
    const item = (paths[openApiPath(path)] ??= {})
    item[method] = operationFor(openApiPath(path), doc.doc, validators)
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(ErrorBodySchema, 'output') },
    },
  }
}
