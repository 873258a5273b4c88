import { z } from 'zod'
import type { FieldErrors } from '../../views/components/FormField'
import type { MessageKey } from '../i18n/catalogue'
import { fieldErrors } from '../http/forms'
import { createTranslator, type Translator } from '../i18n/translator'
import { DisplayNameSchema, EmailSchema, LanguageSchema, PasswordSchema } from './types'

const LABELS: Record<string, MessageKey> = {
  email: 'field.email',
  password: 'field.password',
  display_name: 'field.display_name',
  language: 'field.language',
  new_password: 'field.new_password',
  current_password: 'field.current_password',
  delete_password: 'field.delete_password',
}

/** Empty form inputs mean "not given". */
const blankAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsUndefined, schema.optional())
const requiredText = (message: string) => z.string({ message }).min(1, message)

export const SignupFormSchema = z.object({
  email: z.preprocess(blankAsUndefined, EmailSchema.optional()).refine((v) => v !== undefined, 'Enter your email address.'),
  password: requiredText('Choose a password.').pipe(PasswordSchema),
  display_name: optional(DisplayNameSchema),
  language: optional(LanguageSchema),
})

export const LoginFormSchema = z.object({
  email: requiredText('Enter your email address.').max(254),
  password: requiredText('Enter your password.').max(1024),
})

export const ProfileFormSchema = z.object({
  display_name: z.preprocess(blankAsUndefined, DisplayNameSchema.optional()).refine((v) => v !== undefined, 'Enter a display name.'),
  language: LanguageSchema,
  email: z.preprocess(blankAsUndefined, EmailSchema.optional()).refine((v) => v !== undefined, 'Enter your email address.'),
  new_password: optional(PasswordSchema),
  current_password: optional(z.string().max(1024)),
  notifications_shown: z.string().optional(),
  notify_release: z.string().optional(),
  notify_recommendation: z.string().optional(),
})

/** The account forms' field errors, labelled in the reader's language (src/http/forms.ts). */
export const accountFieldErrors = (error: z.ZodError, t: Translator = createTranslator('en')): FieldErrors => fieldErrors(error, t, LABELS)
