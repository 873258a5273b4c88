import type { MessageKey, MessageParams } from './catalogue'
import { en } from './messages/en'

/**
 * A message chosen by code: a catalogue key and its parameters. Errors and validation issues carry
 * one from where they are raised to where they are shown, and only there become text, in the
 * reader's language (`t(ref.key, ref.params)`). Nothing turns text back into a key.
 */
export interface MessageRef {
  key: MessageKey
  params?: MessageParams
}

export const isMessageKey = (text: string): text is MessageKey => Object.hasOwn(en, text)

/** The catalogue's label for a form or API field (`field.email`, `field.page`), when it has one. */
export const fieldLabelKey = (field: string): MessageKey | undefined => {
  const key = `field.${field}`
  return isMessageKey(key) ? key : undefined
}

/**
 * A zod message that names a catalogue message: `issueMessage('validation.maxChars', { max: 254 })`
 * is "validation.maxChars?max=254". zod keeps only a string per issue, so the key and its
 * parameters travel in that string, written here and read by `parseIssueMessage`, both typed.
 */
export function issueMessage(key: MessageKey, params?: MessageParams): string {
  if (!params || Object.keys(params).length === 0) return key
  return `${key}?${new URLSearchParams(Object.entries(params).map(([name, value]): [string, string] => [name, String(value)]))}`
}

/** The message an `issueMessage` string names; undefined for any other text (zod's own defaults). */
export function parseIssueMessage(text: string): MessageRef | undefined {
  const query = text.indexOf('?')
  const key = query < 0 ? text : text.slice(0, query)
  if (!isMessageKey(key)) return undefined
  if (query < 0) return { key }
  const params: MessageParams = {}
  // Numbers come back as numbers: `count` picks a plural form and numbers are formatted for the locale.
  for (const [name, value] of new URLSearchParams(text.slice(query + 1))) params[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
  return { key, params }
}
