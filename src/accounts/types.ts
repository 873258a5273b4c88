import { issueMessage as m } from '../i18n/message-ref'
import { z } from 'zod'
import { isRegisteredLocale, UI_LANGUAGES, type UiLanguage } from '../i18n/locales'
import { displayNameAllowed } from './display-name'

/** The UI languages (also the catalog's language): code → name in that language, from the locale registry. */
export const LANGUAGES = UI_LANGUAGES

export type Language = UiLanguage
export const LANGUAGE_CODES = Object.keys(LANGUAGES) as [Language, ...Language[]]

/**
 * A stored code outside the registered languages (accounts created when more codes were accepted) reads as
 * English. The registry is the six UI languages; a test may register one more (the pseudo-locale) and store it.
 */
export const readLanguage = (code: string | undefined): Language => (isRegisteredLocale(code) ? (code as Language) : 'en')

/** One of the six UI languages, else English: what a new account stores for the language its visitor was reading. */
export const uiLanguage = (code: string | undefined): Language => (code && Object.hasOwn(LANGUAGES, code) ? (code as Language) : 'en')

/** Trimmed, lower-cased: the one form stored, compared and used in the uniqueness marker. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase()

export const EmailSchema = z
  .string()
  .trim()
  .max(254, m('validation.maxChars', { max: 254 }))
  .pipe(z.email({ message: m('validation.email') }))
  .transform(normaliseEmail)
  .describe('Email address (case-insensitive)')
export const PasswordSchema = z
  .string()
  .min(8, m('validation.minChars', { min: 8 }))
  .max(128, m('validation.maxChars', { max: 128 }))
  .describe('8–128 characters')
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, m('validation.notEmpty'))
  .max(50, m('validation.maxChars', { max: 50 }))
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), m('validation.noControlChars'))
  .refine(displayNameAllowed, m('validation.displayNameChars'))
/** A region from "where to watch"'s list (the list itself is checked by the service: it may come from TMDB). */
export const RegionSchema = z
  .string()
  .regex(/^[A-Za-z]{2}$/, m('validation.region'))
  .transform((code) => code.toUpperCase())
  .describe('ISO 3166-1 alpha-2 (e.g. US, DE)')
export const LanguageSchema = z.enum(LANGUAGE_CODES, { message: m('validation.oneOf', { values: LANGUAGE_CODES.join(', ') }) })
export const NotificationPrefsSchema = z.object({
  release: z.boolean(),
  recommendation: z.boolean(),
  digest_email: z.boolean().optional().describe('Weekly email of unread notifications (opt-in; only to a verified address)'),
  push: z.boolean().optional().describe('Web Push to the browsers registered through /me/push-subscriptions (opt-in)'),
})
export type NotificationPrefs = z.infer<typeof NotificationPrefsSchema>
/** A new account hears about releases and recommendations until it says otherwise; the weekly email is opt-in. */
export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = { release: true, recommendation: true, digest_email: false, push: false }

/** The contract's User. */
export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  display_name: z.string(),
  language: z.string(),
  created_at: z.string(),
  email_verified: z.boolean().describe('The owner opened the link sent to this address'),
  region: z.string().nullable().describe('ISO 3166-1 alpha-2: where "where to watch" looks by default; null: decided per request'),
})
export type User = z.infer<typeof UserSchema>

/** A user's profile item as stored (USER#<id> / PROFILE). */
export interface Profile extends Omit<User, 'email_verified' | 'region'> {
  /** "Where to watch"'s region (absent on accounts older than it: null). */
  region?: string | null
  password_hash: string
  /** Bumped by password change, email change and logout-all; tokens carry the version they were issued at. */
  token_version: number
  notifications: NotificationPrefs
  updated_at: string
  /**
   * true once a link sent to the current address was opened; false from sign-up or an email change
   * until then. Absent on accounts older than verification: shown as unverified, never released.
   */
  email_verified?: boolean
  /** When the current address was set (sign-up or change): how long it has stayed unverified. */
  email_set_at?: string
  /** The address before the last change: told about it ("not you? reset your password"). */
  previous_email?: string
}

export const toUser = (p: Profile): User => ({
  id: p.id,
  email: p.email,
  display_name: p.display_name,
  language: readLanguage(p.language),
  created_at: p.created_at,
  email_verified: p.email_verified === true,
  region: p.region ?? null,
})

/** A neutral generated name, never derived from the email. */
export function generatedDisplayName(): string {
  const n = crypto.getRandomValues(new Uint32Array(1))[0]! % 9000
  return `Viewer ${1000 + n}`
}
