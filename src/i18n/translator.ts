import { isPlural, PLACEHOLDER, type Message, type MessageKey, type MessageParams } from './catalogue'
import { localeInfo, type LocaleInfo } from './locales'
import { en } from './messages/en'

/** A piece of rich text: a string, or a JSX node passed as a parameter (a link, a <q>). */
export type RichPart = unknown

export interface Translator {
  /** The message for `key` with `{name}` placeholders filled; plural messages pick their form by `params.count`. */
  (key: MessageKey, params?: MessageParams): string
  readonly locale: string
  readonly dir: 'ltr' | 'rtl'
  readonly info: LocaleInfo
  /** Like calling the translator, but parameters may be JSX nodes: returns the parts to render in order. */
  rich(key: MessageKey, params: Record<string, RichPart>): RichPart[]
  /** A number in the locale's digits and grouping ("1,234"). */
  number(n: number, options?: Intl.NumberFormatOptions): string
  /** A 0–10 rating with one decimal ("7.5"), rounded as `toFixed` rounds. */
  rating(value: number): string
  /** A day ("5 Mar 2026"), in UTC so every server renders the same; '' for an invalid date. */
  date(iso: string): string
  /** A day and time ("5 Mar 2026, 14:03"), in UTC; null for an invalid date. */
  dateTime(iso: string): string | null
  /** "3 days ago", "in 2 hours": the largest whole unit between `iso` and `now`. */
  relative(iso: string, now?: Date): string
  /** A runtime in hours and minutes ("2h 5m", "45m"), through `Intl.NumberFormat` units; null when unknown. */
  runtime(minutes: number | null): string | null
}

const DAY_SECONDS = 86_400
const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * DAY_SECONDS],
  ['month', 30 * DAY_SECONDS],
  ['week', 7 * DAY_SECONDS],
  ['day', DAY_SECONDS],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
]

/** A template split at its placeholders once per isolate: literal text, or `{ name }` for a placeholder. */
type Piece = string | { name: string; whole: string }
const parsed = new Map<string, Piece[]>()

function piecesOf(template: string): Piece[] {
  let pieces = parsed.get(template)
  if (!pieces) {
    pieces = []
    let last = 0
    for (const match of template.matchAll(PLACEHOLDER)) {
      const [whole, name] = match
      const index = match.index ?? 0
      if (index > last) pieces.push(template.slice(last, index))
      pieces.push({ name: name ?? '', whole })
      last = index + whole.length
    }
    if (last < template.length) pieces.push(template.slice(last))
    // Bounded by the catalogues (a few thousand templates at most); a runaway never grows it past that.
    if (parsed.size < 10_000) parsed.set(template, pieces)
  }
  return pieces
}

function fill(template: string, params: Record<string, unknown>, format: (value: unknown) => unknown): unknown[] {
  const parts: unknown[] = []
  for (const piece of piecesOf(template)) {
    if (typeof piece === 'string') parts.push(piece)
    else parts.push(piece.name in params ? format(params[piece.name]) : piece.whole)
  }
  return parts
}

/** The translator for one locale; cheap to build (one per request). */
/** One translator per registered catalogue per isolate: its Intl formatters are costly to build on every request. */
const translators = new WeakMap<object, Translator>()

export function createTranslator(code: string): Translator {
  const info = localeInfo(code)
  const known = translators.get(info)
  if (known) return known
  const made = buildTranslator(info)
  translators.set(info, made)
  return made
}

function buildTranslator(info: ReturnType<typeof localeInfo>): Translator {
  const numbers = new Intl.NumberFormat(info.intl)
  const plurals = new Intl.PluralRules(info.intl)
  const formatParam = (value: unknown) => (typeof value === 'number' ? numbers.format(value) : value)

  const template = (key: MessageKey, params: Record<string, unknown>): string => {
    // A key missing from a catalogue (only possible at run time, for catalogues built in tests) falls back to English.
    const message: Message = info.messages[key] ?? en[key]
    if (!isPlural(message)) return message
    const count = typeof params.count === 'number' ? params.count : Number(params.count)
    return message[plurals.select(Number.isFinite(count) ? count : 0)] ?? message.other
  }

  const t = ((key: MessageKey, params: MessageParams = {}) =>
    fill(template(key, params), params, formatParam).join('')) as Translator

  // Made on first use, once per language per isolate (a film page formats one runtime, a list none).
  const units: Partial<Record<'hour' | 'minute', Intl.NumberFormat>> = {}
  const unit = (unitName: 'hour' | 'minute') =>
    (units[unitName] ??= new Intl.NumberFormat(info.intl, { style: 'unit', unit: unitName, unitDisplay: info.units ?? 'short' }))
  const list = new Intl.ListFormat(info.intl, { style: 'narrow', type: 'unit' })
  // Every card shows a rating: one formatter, made on first use.
  let ratings: Intl.NumberFormat | undefined

  return Object.assign(t, {
    locale: info.code,
    dir: info.dir,
    info,
    rich: (key: MessageKey, params: Record<string, RichPart>) => fill(template(key, params), params, formatParam),
    number: (n: number, options?: Intl.NumberFormatOptions) => (options ? new Intl.NumberFormat(info.intl, options) : numbers).format(n),
    rating: (value: number) =>
      (ratings ??= new Intl.NumberFormat(info.intl, { minimumFractionDigits: 1, maximumFractionDigits: 1 })).format(Number(value.toFixed(1))),
    date: (iso: string) => {
      const date = new Date(iso)
      return Number.isNaN(date.getTime())
        ? ''
        : new Intl.DateTimeFormat(info.intl, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date)
    },
    dateTime: (iso: string) => {
      const date = new Date(iso)
      return Number.isNaN(date.getTime())
        ? null
        : new Intl.DateTimeFormat(info.intl, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date)
    },
    relative: (iso: string, now: Date = new Date()) => {
      const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000)
      const format = new Intl.RelativeTimeFormat(info.intl, { numeric: 'auto' })
      const [unitName, size] = RELATIVE_UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1]
      return format.format(Math.trunc(seconds / size), unitName)
    },
    runtime: (minutes: number | null) => {
      if (!minutes || minutes <= 0) return null
      const h = Math.floor(minutes / 60)
      const m = minutes % 60
      return h ? list.format([unit('hour').format(h), unit('minute').format(m)]) : unit('minute').format(m)
    },
  })
}
