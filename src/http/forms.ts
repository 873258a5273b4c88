import type { Context } from 'hono'
import type { z } from 'zod'
import type { FieldErrors } from '../../views/components/FormField'
import type { MessageKey } from '../i18n/catalogue'
import { refOfIssue } from '../i18n/issues'
import { fieldLabelKey } from '../i18n/message-ref'
import type { Translator } from '../i18n/translator'
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
    throw errors.malformed('errors.malformed.form')
  }
}

/**
 * zod issues → one friendly sentence per field, in the reader's language. Each issue names its
 * catalogue message (src/i18n/issues.ts): a `validation.*` fragment follows the field's label
 * ("Password must be at least 8 characters."), any other key is a whole sentence ("Enter your email address.").
 */
export function fieldErrors(
  error: z.ZodError,
  t: Translator,
  labels: Partial<Record<string, MessageKey>> = {},
  input?: Record<string, unknown>,
): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form')
    if (out[field]) continue
    const { key, params } = refOfIssue(issue, input)
    const labelKey = labels[field] ?? fieldLabelKey(field)
    out[field] = key.startsWith('validation.')
      ? t('validation.fieldSentence', { label: labelKey ? t(labelKey) : field, message: t(key, params) })
      : t(key, params)
  }
  return out
}
