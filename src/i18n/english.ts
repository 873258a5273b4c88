import { isPlural, PLACEHOLDER, type Message, type MessageKey } from './catalogue'
import { en } from './messages/en'
import type { Translator } from './translator'

/**
 * Schemas, services and thrown errors still speak English (so the JSON contract and the code
 * stay as they are); what reaches a reader is translated here, at render time, by recognising
 * the English catalogue message the text came from and rendering that key in the reader's
 * language, with the same parameters.
 */
interface Pattern {
  key: MessageKey
  regex: RegExp
  names: string[]
}

/** Only messages with real words: a bare "{label} {message}." would match anything. */
const hasWords = (template: string) => template.replace(PLACEHOLDER, '').replace(/[^A-Za-z]/g, '').length >= 4

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

let patterns: Pattern[] | undefined

function buildPatterns(): Pattern[] {
  const out: Pattern[] = []
  for (const [key, message] of Object.entries(en) as [MessageKey, Message][]) {
    const templates: string[] = isPlural(message) ? Object.values(message).filter((v) => v !== undefined) : [message]
    for (const template of templates) {
      if (!hasWords(template)) continue
      const names: string[] = []
      let source = ''
      let last = 0
      for (const match of template.matchAll(PLACEHOLDER)) {
        source += escapeRegex(template.slice(last, match.index)) + '(.+?)'
        names.push(match[1] ?? '')
        last = (match.index ?? 0) + match[0].length
      }
      source += escapeRegex(template.slice(last))
      out.push({ key, names, regex: new RegExp(`^${source}$`, 's') })
    }
  }
  // Fixed texts first: "is required" must not be read as a template that happens to match it.
  return out.sort((a, b) => a.names.length - b.names.length)
}

/** `text` in the translator's language when it is one of the English catalogue's messages; undefined otherwise. */
export function localizeEnglish(t: Translator, text: string): string | undefined {
  patterns ??= buildPatterns()
  for (const { key, regex, names } of patterns) {
    const match = regex.exec(text)
    if (!match) continue
    const params: Record<string, string | number> = {}
    names.forEach((name, i) => {
      const value = match[i + 1] ?? ''
      // `count` picks the plural form, so it must stay a number ("1,234" → 1234).
      params[name] = name === 'count' && /^[\d,]+$/.test(value) ? Number(value.replace(/,/g, '')) : value
    })
    return t(key, params)
  }
  return undefined
}
