/**
 * The shape of a message catalogue. A message is a string with `{name}` placeholders, or a
 * plural message: one string per CLDR plural category, chosen by `Intl.PluralRules` for the
 * `count` parameter (Arabic uses all six categories; English only `one` and `other`).
 */
import type { en } from './messages/en'

export type PluralCategory = Intl.LDMLPluralRule
export const PLURAL_CATEGORIES: readonly PluralCategory[] = ['zero', 'one', 'two', 'few', 'many', 'other']

/** `other` is required: it is the fallback for every category a catalogue leaves out. */
export type PluralMessage = Partial<Record<PluralCategory, string>> & { other: string }
export type Message = string | PluralMessage

/** Every key of the English catalogue: other catalogues must have exactly these (checked by the compiler). */
export type MessageKey = keyof typeof en

/** What a catalogue file exports: `export const fr: Catalogue = { ... }`. */
export type Catalogue = Record<MessageKey, Message>

export type MessageParams = Record<string, string | number>

export const isPlural = (message: Message): message is PluralMessage => typeof message !== 'string'

/** `{name}` placeholders: a letter, then letters, digits or underscores. */
export const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g
