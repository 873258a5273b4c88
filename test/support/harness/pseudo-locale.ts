import { isPlural, PLACEHOLDER, type Catalogue, type Message, type MessageKey } from '../../../src/i18n/catalogue'
import { en } from '../../../src/i18n/messages/en'

/** Every ASCII letter has an accented twin: any plain English word left on a pseudo page is untranslated. */
const ACCENTED: Record<string, string> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((ch, i) => [ch, [...'áƀçđéƒĝĥîĵķļɱñöþǫŕšţüṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ'][i] as string]),
)

const accent = (text: string) => [...text].map((ch) => ACCENTED[ch] ?? ch).join('')

/** Accented and about 30 % longer (padding stands in for languages that run long); placeholders kept. */
export function pseudoTemplate(template: string): string {
  let out = ''
  let last = 0
  for (const match of template.matchAll(PLACEHOLDER)) {
    out += accent(template.slice(last, match.index)) + match[0]
    last = (match.index ?? 0) + match[0].length
  }
  out += accent(template.slice(last))
  return `[${out}${'·'.repeat(Math.ceil(template.length * 0.3))}]`
}

/** The brand stays as it is: product names are not translated. */
const UNTRANSLATED: MessageKey[] = ['brand.name']

export function pseudoCatalogue(): Catalogue {
  const entries = (Object.entries(en) as [MessageKey, Message][]).map(([key, message]) => {
    if (UNTRANSLATED.includes(key)) return [key, message]
    if (!isPlural(message)) return [key, pseudoTemplate(message)]
    return [key, Object.fromEntries(Object.entries(message).map(([category, text]) => [category, pseudoTemplate(text)]))]
  })
  return Object.fromEntries(entries) as Catalogue
}

/** Literal text between placeholders of a catalogue's messages (English by default). */
function fragmentsOf(catalogue: Catalogue): Set<string> {
  const out = new Set<string>()
  for (const [key, message] of Object.entries(catalogue) as [MessageKey, Message][]) {
    if (UNTRANSLATED.includes(key)) continue
    for (const template of isPlural(message) ? Object.values(message) : [message]) {
      for (const part of (template ?? '').replace(PLACEHOLDER, '\u0000').split('\u0000')) {
        const fragment = part.trim()
        // Only parts with a real word: "/ 10 ·" or "(" say nothing about a language.
        if (/[A-Za-z]{3,}/.test(fragment)) out.add(fragment)
      }
    }
  }
  return out
}

/**
 * Literal text between placeholders of every English message: what must not show on a translated page.
 * Given the page's own catalogue, words it shares with English ("Drama", "Thriller", "Rotten Tomatoes") are
 * not counted as left-over English.
 */
export function englishFragments(translation?: Catalogue): string[] {
  const english = fragmentsOf(en as Catalogue)
  if (!translation) return [...english]
  const own = [...fragmentsOf(translation)]
  return [...english].filter((fragment) => !own.some((text) => text === fragment || (/\s/.test(fragment) && text.includes(fragment))))
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" }
const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, name: string) => ENTITIES[name] ?? '')

/**
 * What a reader sees or hears of our own text (`shownSegments`), film text left out: overviews and taglines
 * are the catalog's, and titles and names are isolated in <bdi>. Notifications render from their template in
 * the reader's language, so they are checked too.
 */
export function visibleSegments(html: string): string[] {
  return shownSegments(html.replace(/<p class="(?:hero-overview|overview|tagline)"[^>]*>[\s\S]*?<\/p>/g, '').replace(/<bdi>[\s\S]*?<\/bdi>/g, ''))
}

/** The English catalogue text found on a page: phrases anywhere in a segment, single words as a whole segment. */
export function englishLeftIn(html: string, fragments: string[] = englishFragments()): string[] {
  const segments = visibleSegments(html)
  const found = new Set<string>()
  for (const fragment of fragments) {
    const phrase = /\s/.test(fragment)
    if (segments.some((segment) => (phrase ? segment.includes(fragment) : segment === fragment))) found.add(fragment)
  }
  return [...found]
}

/** The letters a pseudo message is written in: every ASCII letter's accented twin. */
const MARKED_LETTERS = new Set(Object.values(ACCENTED))
const LETTER = /\p{L}/u

/** A letter no pseudo message wrote: text that did not come from the catalogue (or is fixture data). */
export const hasUnmarkedLetter = (text: string): boolean => [...text].some((ch) => LETTER.test(ch) && !MARKED_LETTERS.has(ch))

/** Meta tags whose content is a setting, not words. */
const META_SETTINGS = /^(viewport|color-scheme|theme-color|referrer|robots|format-detection|htmx-config)$/

/**
 * Everything a reader sees or hears on a page, with no element exempt: text nodes (scripts and styles
 * are not text), the document title, the attributes browsers show or read aloud, and the content of
 * meta tags that describe the page.
 */
export function shownSegments(html: string): string[] {
  const body = html.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/<style[\s\S]*?<\/style>/gi, '')
  const attributes = [...body.matchAll(/\s(?:alt|title|aria-label|aria-description|placeholder)="([^"]*)"/g)].map((m) => m[1] ?? '')
  const meta = [...body.matchAll(/<meta\s([^>]*)>/g)].flatMap(([, attrs = '']) => {
    const kind = /(?:name|property|http-equiv)="([^"]*)"/.exec(attrs)?.[1] ?? ''
    const content = /content="([^"]*)"/.exec(attrs)?.[1]
    return content !== undefined && !META_SETTINGS.test(kind) ? [content] : []
  })
  const text = body.split(/<[^>]*>/)
  return [...text, ...attributes, ...meta].map((s) => decode(s).replace(/\s+/g, ' ').trim()).filter(Boolean)
}

/**
 * The text on a page in the pseudo-locale that is neither a marked catalogue message nor fixture data:
 * each offending segment, quoted. `fixtures` are the exact strings the page may show unmarked (film
 * titles, names, review text, dates and numbers as the locale's Intl formats them), computed from the
 * test's fixtures. A segment passes when it is a fixture, or when no unmarked letter is left once the
 * fixtures it contains as whole words are taken out: a fixture inside another word ("Click" in "Clicking",
 * "and" in "handle") never hides text.
 */
export function unmarkedText(html: string, fixtures: Iterable<string>): string[] {
  const all = [...new Set(fixtures)].filter((f) => f.trim() && hasUnmarkedLetter(f))
  const exact = new Set(all)
  const words = all
    .sort((a, b) => b.length - a.length)
    .map((f) => new RegExp(`(?<![\\p{L}\\p{N}])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu'))
  const offending: string[] = []
  for (const segment of shownSegments(html)) {
    if (!hasUnmarkedLetter(segment) || exact.has(segment)) continue
    let rest = segment
    for (const word of words) rest = rest.replace(word, ' ')
    if (hasUnmarkedLetter(rest)) offending.push(segment)
  }
  return [...new Set(offending)]
}
