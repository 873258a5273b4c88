import type { Context } from 'hono'
import type { z } from 'zod'
import type { FieldErrors } from '../../views/components/FormField'
import type { MessageKey } from '../i18n/catalogue'
import { localizeEnglish } from '../i18n/english'
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
    throw errors.malformed('The form could not be read.')
  }
}

/**
 * zod issues → one friendly sentence per field, in the reader's language. The schemas speak English; a
 * message that starts with a capital is a sentence already ("Enter your email address."), otherwise the
 * field's label leads ("Password must be at least 8 characters."); the catalogue supplies each in `t`'s language.
 */
export function fieldErrors(error: z.ZodError, t: Translator, labels: Partial<Record<string, MessageKey>> = {}): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form')
    if (out[field]) continue
    const known = localizeEnglish(t, issue.message)
    const labelKey = labels[field]
    const label = labelKey ? t(labelKey) : field
    if (/^[A-Z]/.test(issue.message) && (known !== undefined || t.locale === 'en')) {
      const sentence = known ?? issue.message
      out[field] = sentence.endsWith('.') ? sentence : `${sentence}.`
    } else {
      out[field] = t('validation.fieldSentence', { label, message: known ?? (t.locale === 'en' ? issue.message : t('validation.invalid')) })
    }
  }
  return out
}
