import type { MiddlewareHandler } from 'hono'
import type { ZodType } from 'zod'

/** Marks a middleware as carrying OpenAPI information the document builder reads from app.routes. */
export const OPENAPI = Symbol.for('flixpeek.openapi')

export type ValidationTarget = 'json' | 'query' | 'param' | 'form' | 'header'

export interface ResponseDoc {
  description: string
  schema?: ZodType
}

export interface OperationDoc {
  summary: string
  description?: string
  tags?: string[]
  /** true: bearer token (or same-origin session cookie) required. */
  auth?: boolean
  responses: Record<number, ResponseDoc>
}

export type OpenApiMeta =
  | { kind: 'validator'; target: ValidationTarget; schema: ZodType }
  | { kind: 'operation'; doc: OperationDoc }

export type Tagged<M> = M & { [OPENAPI]: OpenApiMeta }

export function tag<M extends MiddlewareHandler>(middleware: M, meta: OpenApiMeta): Tagged<M> {
  return Object.assign(middleware, { [OPENAPI]: meta })
}

export function metaOf(handler: unknown): OpenApiMeta | undefined {
  return typeof handler === 'function' ? (handler as Partial<Tagged<MiddlewareHandler>>)[OPENAPI] : undefined
}

/** Documents an operation: summary, auth and response schemas. Does nothing at request time. */
export function describe(doc: OperationDoc): MiddlewareHandler {
  return tag(async (_c, next) => next(), { kind: 'operation', doc })
}
