import { afterAll, describe, expect, it } from 'vitest'
import { LoginFormSchema, ProfileFormSchema, SignupFormSchema } from '../../src/accounts/forms'
import { ReviewBodySchema } from '../../src/reviews/schemas'
import { LoginBodySchema, ProfilePatchSchema, SignupBodySchema } from '../../src/schemas/accounts'
import { IdSchema, PageQuerySchema } from '../../src/schemas/common'
import { isPlural, PLACEHOLDER, PLURAL_CATEGORIES, type Catalogue, type Message, type MessageKey } from '../../src/i18n/catalogue'
import { refOfIssue } from '../../src/i18n/issues'
import { issueMessage, parseIssueMessage } from '../../src/i18n/message-ref'
import { z } from 'zod'
import { localeInfo, registeredLocales, registerLocale, unregisterLocale } from '../../src/i18n/locales'
import { LANGUAGE_CODES } from '../../src/accounts/types'
import { en } from '../../src/i18n/messages/en'
import { chooseLocale, matchAcceptLanguage } from '../../src/i18n/negotiate'
import { createTranslator } from '../../src/i18n/translator'
import { pseudoCatalogue } from '../support/harness/pseudo-locale'

const templates = (message: Message): string[] => (isPlural(message) ? Object.values(message).filter((t): t is string => t !== undefined) : [message])
const entries = Object.entries(en) as [MessageKey, Message][]

describe('the English catalogue', () => {
  it('has only well-formed {name} placeholders: no stray or unbalanced braces', () => {
    const broken = entries.filter(([, message]) => templates(message).some((t) => /[{}]/.test(t.replace(PLACEHOLDER, ''))))
    expect(broken.map(([key]) => key)).toEqual([])
  })

  it('gives every plural message an `other` form, only CLDR categories and a {count}', () => {
    const plurals = entries.filter(([, message]) => isPlural(message))
    expect(plurals.length).toBeGreaterThan(5)
    for (const [key, message] of plurals) {
      expect(Object.keys(message), key).toContain('other')
      for (const category of Object.keys(message)) expect(PLURAL_CATEGORIES, key).toContain(category)
      for (const template of templates(message)) expect(template, key).toContain('{count}')
    }
  })

  it('keeps the same placeholders in a generated catalogue (what every translation must do)', () => {
    const pseudo = pseudoCatalogue()
    const names = (m: Message) => templates(m).flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((x) => x[1])).sort()
    for (const [key, message] of entries) expect(names(pseudo[key]), key).toEqual(names(message))
  })
})

describe('every registered catalogue', () => {
  const names = (text: string) => [...text.matchAll(PLACEHOLDER)].map((x) => x[1]).sort()
  const codes = registeredLocales().map((locale) => locale.code).filter((code) => /^[a-z]{2}$/.test(code))

  it('covers the six UI languages, the languages a user may choose', () => {
    expect(codes.sort()).toEqual([...LANGUAGE_CODES].sort())
  })

  it.each(LANGUAGE_CODES.filter((code) => code !== 'en'))('%s has exactly the keys of en, and every placeholder survives', (code) => {
    const catalogue = localeInfo(code).messages
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort())
    for (const [key, english] of entries) {
      const message = catalogue[key]
      expect(isPlural(message), key).toBe(isPlural(english))
      const wanted = [...new Set(templates(english).flatMap(names))].sort()
      if (!isPlural(message)) {
        expect(names(message), `${code} ${key}`).toEqual(names(english as string))
        continue
      }
      // Plural forms: CLDR categories only, `other` keeps every placeholder, no form invents one
      // (Arabic's zero/one/two forms may leave {count} out: "فيلم واحد").
      for (const category of Object.keys(message)) expect(PLURAL_CATEGORIES, `${code} ${key}`).toContain(category)
      expect([...new Set(names(message.other))].sort(), `${code} ${key}`).toEqual(wanted)
      for (const text of templates(message)) for (const name of names(text)) expect(wanted, `${code} ${key}`).toContain(name)
      // Every category the language selects has its own form or falls back to `other` on purpose.
      expect(message.other.trim().length, `${code} ${key}`).toBeGreaterThan(0)
    }
  })
})

describe('the translator', () => {
  afterAll(() => unregisterLocale('ar-test'))

  it('fills placeholders, picks English plurals and formats numbers, dates and runtimes as before', () => {
    const t = createTranslator('en')
    expect(t('watchlist.added', { title: 'Heat' })).toBe('Added Heat to My List.')
    expect(t('genre.count', { count: 1 })).toBe('1 film')
    expect(t('genre.count', { count: 1234 })).toBe('1,234 films')
    expect(t.runtime(125)).toBe('2h 5m')
    expect(t.runtime(45)).toBe('45m')
    expect(t.runtime(0)).toBeNull()
    expect(t.rating(7.25)).toBe((7.25).toFixed(1))
    expect(t.date('2026-03-05T14:03:00Z')).toBe('5 Mar 2026')
    expect(t.dateTime('2026-03-05T14:03:00Z')).toBe('5 Mar 2026, 14:03')
    expect(t.relative('2026-03-02T00:00:00Z', new Date('2026-03-05T00:00:00Z'))).toBe('3 days ago')
  })

  it('speaks Arabic with all six plural forms, in Latin digits only, and Japanese with one form', () => {
    const ar = createTranslator('ar')
    expect([0, 1, 2, 3, 11, 100, 103, 125].map((count) => ar('genre.count', { count }))).toEqual([
      'لا توجد أفلام',
      'فيلم واحد',
      'فيلمان',
      '3 أفلام',
      '11 فيلمًا',
      '100 فيلم',
      '103 أفلام',
      '125 فيلمًا',
    ])
    // One digit style per page: numbers, dates, ratings and runtimes as the catalogue's own digits (Latin).
    const formatted = [ar.number(1234.5), ar.date('2026-03-05'), ar.dateTime('2026-03-05T14:03:00Z'), ar.rating(7.5), ar.runtime(125), ar('movie.votes', { count: 1234 })]
    expect(formatted.join(' ')).not.toMatch(/[\u0660-\u0669\u06f0-\u06f9]/)
    expect(formatted.join(' ')).toMatch(/2026/)
    const ja = createTranslator('ja')
    expect([1, 2, 5, 1234].map((count) => ja('genre.count', { count }))).toEqual(['1作品', '2作品', '5作品', '1,234作品'])
    for (const [key, message] of Object.entries(ja.info.messages)) if (typeof message !== 'string') expect(Object.keys(message), key).toEqual(['other'])
  })

  it('formats dates and runtimes for each language through Intl, never as the ISO string', () => {
    const shown = Object.fromEntries(LANGUAGE_CODES.map((code) => [code, [createTranslator(code).date('2026-03-05'), createTranslator(code).runtime(125)]]))
    // The month in the language's words (or its own numbering), the hours and minutes in its units.
    const month: Record<string, RegExp> = { en: /^5 Mar 2026$/, es: /mar/, fr: /mars/, de: /März/, ja: /3月/, ar: /مارس/ }
    const hours: Record<string, RegExp> = { en: /^2h 5m$/, es: /2\s?h.*5\s?min/, fr: /2\s?h.*5\s?min/, de: /2 Std\..*5 Min\./, ja: /2\s?時間\s?5\s?分/, ar: /2 س.*5 د/ }
    for (const [code, [date, runtime]] of Object.entries(shown)) {
      // A language added later is checked for what every language owes: no ISO date, no "125" minutes.
      expect(date, code).toMatch(month[code] ?? /2026/)
      expect(date, code).not.toContain('2026-03')
      expect(runtime, code).toMatch(hours[code] ?? /2.*5/)
    }
  })

  it('selects all six CLDR plural forms for a language that has them (Arabic rules)', () => {
    const messages: Catalogue = { ...en, 'genre.count': { zero: 'z{count}', one: 'o{count}', two: 't{count}', few: 'f{count}', many: 'm{count}', other: 'x{count}' } }
    registerLocale({ code: 'ar-test', name: 'عربي', dir: 'rtl', intl: 'ar-u-nu-latn', tmdb: 'ar-SA', messages })
    const t = createTranslator('ar-test')
    expect(t.dir).toBe('rtl')
    expect([0, 1, 2, 3, 11, 100].map((count) => t('genre.count', { count }))).toEqual(['z0', 'o1', 't2', 'f3', 'm11', 'x100'])
  })

  it('carries a validation message by key and params, numbers kept as numbers, and never reads text back', () => {
    const named = issueMessage('validation.between', { min: 1, max: 10 })
    expect(parseIssueMessage(named)).toEqual({ key: 'validation.between', params: { min: 1, max: 10 } })
    expect(parseIssueMessage(issueMessage('validation.required'))).toEqual({ key: 'validation.required' })
    // English text, even a catalogue sentence, is not a message reference.
    expect(parseIssueMessage('must be at most 254 characters')).toBeUndefined()
    expect(parseIssueMessage(en['errors.not_found'])).toBeUndefined()
    expect(createTranslator('de')('validation.between', parseIssueMessage(named)?.params)).toBe('muss zwischen 1 und 10 liegen')
  })

  it("reads zod's own issues by code and numbers: missing, too long, too short, not one of", () => {
    const schema = z.object({ name: z.string().max(5), code: z.string().min(3), kind: z.enum(['a', 'b']), age: z.number() })
    const input = { name: 'toolong', code: 'x', kind: 'c' }
    const refs = schema.safeParse(input).error?.issues.map((issue) => [issue.path.join('.'), refOfIssue(issue, input)])
    expect(Object.fromEntries(refs ?? [])).toEqual({
      name: { key: 'validation.maxChars', params: { max: 5 } },
      code: { key: 'validation.minChars', params: { min: 3 } },
      kind: { key: 'validation.oneOf', params: { values: 'a, b' } },
      age: { key: 'validation.required' },
    })
  })
})

describe('locale detection', () => {
  it('follows user → cookie → Accept-Language → en, among registered locales only', () => {
    expect(chooseLocale({})).toBe('en')
    expect(chooseLocale({ userLanguage: 'sv', cookie: 'xx', acceptLanguage: 'it-IT' })).toBe('en')
    expect(chooseLocale({ userLanguage: 'ja', cookie: 'de', acceptLanguage: 'fr' })).toBe('ja')
    expect(chooseLocale({ userLanguage: 'sv', cookie: 'de', acceptLanguage: 'fr' })).toBe('de')
    expect(matchAcceptLanguage('en-AU;q=0.8, pt-BR')).toBe('en')
    expect(matchAcceptLanguage('fr-CA,fr;q=0.9')).toBe('fr')
    expect(matchAcceptLanguage('ar-EG')).toBe('ar')
    expect(matchAcceptLanguage('pt-BR, it;q=0.5')).toBeUndefined()
    expect(matchAcceptLanguage('it, en;q=0')).toBeUndefined()
    expect(matchAcceptLanguage('garbage;;;, *')).toBe('en')
  })
})

describe('validation messages', { timeout: 60_000 }, () => {
  afterAll(() => unregisterLocale('en-XA'))

  it('all name a catalogue message, so forms and API details show them in the reader language', () => {
    registerLocale({ code: 'en-XA', name: 'Pseudo', dir: 'ltr', intl: 'en-GB', tmdb: 'en-US', messages: pseudoCatalogue() })
    const t = createTranslator('en-XA')
    const cases: [{ safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, unknown][] = [
      [SignupBodySchema, { email: `${'x'.repeat(260)}@example.com`, password: 'short', display_name: '   ', language: 'xx' }],
      [SignupBodySchema, { email: 'not-an-email', password: 'x'.repeat(200), display_name: 'a\u0001b' }],
      [LoginBodySchema, { email: '', password: '' }],
      [LoginBodySchema, { email: 'a@b.co', password: 'x'.repeat(2000) }],
      [ProfilePatchSchema, { email: 'a@b.co' }],
      [ReviewBodySchema, { rating: 1.5, text: 'x'.repeat(2001) }],
      [ReviewBodySchema, { rating: 11 }],
      [PageQuerySchema, { page: 'abc' }],
      [PageQuerySchema, { page: '0' }],
      [PageQuerySchema, { page: '501' }],
      [PageQuerySchema, { page: ['1', '2'] }],
      [IdSchema, '0'],
      [IdSchema, '9999999999'],
      [SignupFormSchema, {}],
      [LoginFormSchema, {}],
      [ProfileFormSchema, { language: 'en', display_name: ' ', email: '' }],
      [SignupFormSchema, { email: '', password: '' }],
    ]
    const unknown: string[] = []
    let seen = 0
    for (const [schema, input] of cases) {
      const result = schema.safeParse(input)
      expect(result.success, JSON.stringify(input).slice(0, 60)).toBe(false)
      for (const { message } of result.error?.issues ?? []) {
        seen++
        const named = parseIssueMessage(message)
        if (!named || !t(named.key, named.params).startsWith('[')) unknown.push(message)
      }
    }
    expect(seen).toBeGreaterThan(15)
    expect(unknown).toEqual([])
  })
})
