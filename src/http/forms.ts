import type { Context } from 'hono'
import type { z } from 'zod'
import type { FieldErrors } from '../../views/components/FormField'
import { errors } from './errors'

/** A form body's string fields (files and repeated fields are ignored). */
export function formStrings(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') out[name] = value
  return out
}

/** The posted form's string fields; {} for another content type, 400 malformed_request for a form that cannot be read. */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('Content-Type') ?? ''
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return {}
  try {
    return formStrings(await c.req.parseBody())
  } catch {
    throw errors.malformed('The form could not be read.')
  }
}

/**
 * zod issues → one friendly sentence per field: a message that starts with a capital is a sentence
 * already ("Enter your email address."); otherwise the field's label leads ("Password must be at least 8 characters.").
 */
export function fieldErrors(error: z.ZodError, labels: Record<string, string> = {}): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form')
    if (out[field]) continue
    const message = issue.message
    const sentence = /^[A-Z]/.test(message) ? message : `${labels[field] ?? field} ${message}`
    out[field] = sentence.endsWith('.') ? sentence : `${sentence}.`
  }
  return out
}
