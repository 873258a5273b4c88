import { zValidator } from '@hono/zod-validator'
import type { MiddlewareHandler, ValidationTargets } from 'hono'
import type { ZodType, z } from 'zod'
import { tag } from '../openapi/metadata'
import { refOfIssue } from '../i18n/issues'
import { errors, type DetailRef } from './errors'

/** zod issues as the contract's details, each message by code; `input` (what was validated) tells a missing field from a wrong one. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], input?: unknown): DetailRef[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: refOfIssue(issue, input) }))
}

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json(\s*;.*)?$/i

/** Rejects bodies that are not JSON, or not parseable, with 400 malformed_request before schema validation. */
const requireJsonBody: MiddlewareHandler = async (c, next) => {
  if (!JSON_TYPE.test(c.req.header('Content-Type') ?? '')) {
    throw errors.malformed('errors.malformed.contentType')
  }
  try {
    await c.req.json()
  } catch {
    throw errors.malformed('errors.malformed.notJson')
  }
  await next()
}

/**
 * zod validation with the contract's errors: a bad path id is 400 invalid_id,
 * anything else that breaks the schema is 422 validation_failed with details.
 * The schema is also what the OpenAPI document shows for this route.
 */
export function validate<Target extends keyof ValidationTargets & ('json' | 'query' | 'param' | 'form' | 'header'), Schema extends ZodType>(
  target: Target,
  schema: Schema,
) {
  const validator = zValidator(target, schema, (result, c) => {
    if (result.success) return
    if (target === 'param') {
      const first = result.error.issues[0]
      const key = first?.path[0]
      throw errors.invalidId(typeof key === 'string' ? c.req.param(key) : undefined)
    }
    throw errors.validation(issuesToDetails(result.error.issues, result.data))
  })
  const withBodyCheck: typeof validator =
    target === 'json' ? (async (c, next) => requireJsonBody(c, () => validator(c, next) as Promise<void>)) as typeof validator : validator
  return tag(withBodyCheck, { kind: 'validator', target, schema })
}

/**
 * `navigator.sendBeacon(url, string)` sends its body as text/plain (a type it may send anywhere without a preflight):
 * on the POST routes meant for it, such a body is read as the JSON it is. Mount before validate('json').
 */
export const beaconBody: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'POST' && /^text\/plain(\s*;.*)?$/i.test(c.req.header('Content-Type') ?? '')) {
    const headers = new Headers(c.req.raw.headers)
    headers.set('Content-Type', 'application/json')
    c.req.raw = new Request(c.req.raw, { headers })
  }
  await next()
}

