import { issueMessage as m } from '../i18n/message-ref'
import { z } from 'zod'
import type { FieldErrors } from '../../views/components/FormField'
import type { MessageKey } from '../i18n/catalogue'
import { fieldErrors } from '../http/forms'
import { createTranslator, type Translator } from '../i18n/translator'
import { DisplayNameSchema, EmailSchema, LanguageSchema, PasswordSchema, RegionSchema } from './types'

const LABELS: Record<string, MessageKey> = {
  email: 'field.email',
  password: 'field.password',
  display_name: 'field.display_name',
  language: 'field.language',
  region: 'profile.region.label',
  new_password: 'field.new_password',
  current_password: 'field.current_password',
  delete_password: 'field.delete_password',
}

/** Empty form inputs mean "not given". */
const blankAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsUndefined, schema.optional())
const requiredText = (key: MessageKey) => z.string({ message: m(key) }).min(1, m(key))

export const SignupFormSchema = z.object({
  email: z.preprocess(blankAsUndefined, EmailSchema.optional()).refine((v) => v !== undefined, m('form.enterEmail')),
  password: requiredText('form.choosePassword').pipe(PasswordSchema),
  display_name: optional(DisplayNameSchema),
  language: optional(LanguageSchema),
})

export const LoginFormSchema = z.object({
  email: requiredText('form.enterEmail').max(254, m('validation.maxChars', { max: 254 })),
  password: requiredText('form.enterPassword').max(1024, m('validation.tooLong')),
})

export const ProfileFormSchema = z.object({
  display_name: z.preprocess(blankAsUndefined, DisplayNameSchema.optional()).refine((v) => v !== undefined, m('form.enterDisplayName')),
  language: LanguageSchema,
  // Blank: "Automatic" (the profile names no region).
  region: z.preprocess(blankAsUndefined, RegionSchema.optional()),
  email: z.preprocess(blankAsUndefined, EmailSchema.optional()).refine((v) => v !== undefined, m('form.enterEmail')),
  new_password: optional(PasswordSchema),
  current_password: optional(z.string().max(1024)),
  notifications_shown: z.string().optional(),
  notify_release: z.string().optional(),
  notify_recommendation: z.string().optional(),
})

/** The account forms' field errors, labelled in the reader's language (src/http/forms.ts). */
export const accountFieldErrors = (error: z.ZodError, t: Translator = createTranslator('en'), input?: Record<string, unknown>): FieldErrors =>
  fieldErrors(error, t, LABELS, input)
