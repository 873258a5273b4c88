import type { Catalogue } from './catalogue'
import { ar } from './messages/ar'
import { de } from './messages/de'
import { en } from './messages/en'
import { es } from './messages/es'
import { fr } from './messages/fr'
import { ja } from './messages/ja'

export interface LocaleInfo {
  /** BCP 47 code as used in URLs, cookies and `User.language` ("en", "ar"). */
  code: string
  /** The language's name in itself, for the language menu ("Deutsch", "العربية"). */
  name: string
  dir: 'ltr' | 'rtl'
  /** Locale passed to `Intl` for dates and numbers. */
  intl: string
  /** TMDB's `language` parameter for film text ("en-US", "ar-SA"). */
  tmdb: string
  /** How runtimes name their units: `narrow` ("2h 5m") or, by default, `short` ("2 Std., 5 Min."; CLDR's narrow forms are uneven in some languages). */
  units?: 'narrow' | 'short'
  messages: Catalogue
}

export const DEFAULT_LOCALE = 'en'

const registry = new Map<string, LocaleInfo>()

/**
 * Adds a language: one catalogue file plus one call here (or in a test). Registering a code
 * again replaces it.
 */
export function registerLocale(locale: LocaleInfo): void {
  registry.set(locale.code, locale)
}

/** Removes a language registered at run time (tests clean up their pseudo-locale). */
export function unregisterLocale(code: string): void {
  if (code !== DEFAULT_LOCALE) registry.delete(code)
}

export const isRegisteredLocale = (code: string | undefined | null): code is string => Boolean(code && registry.has(code))

export function localeInfo(code: string): LocaleInfo {
  return registry.get(code) ?? (registry.get(DEFAULT_LOCALE) as LocaleInfo)
}

export const registeredLocales = (): LocaleInfo[] => [...registry.values()]

/**
 * The UI languages, one line each: what `User.language` accepts, the language menu lists and the
 * site is rendered in. Adding a language is its catalogue file plus one line here (docs/i18n.md).
 * `intl: 'en-GB'` keeps the day-month-year dates ("5 Mar 2026") and 24-hour times the site has
 * always shown; Arabic uses Latin digits (`-u-nu-latn`): film data, years, ratings and rating
 * inputs arrive in Latin digits, and one page must not mix two digit styles.
 */
const UI_LOCALES = [
  { code: 'en', name: 'English', dir: 'ltr', intl: 'en-GB', tmdb: 'en-US', units: 'narrow', messages: en },
  { code: 'es', name: 'Español', dir: 'ltr', intl: 'es-ES', tmdb: 'es-ES', messages: es },
  { code: 'fr', name: 'Français', dir: 'ltr', intl: 'fr-FR', tmdb: 'fr-FR', messages: fr },
  { code: 'de', name: 'Deutsch', dir: 'ltr', intl: 'de-DE', tmdb: 'de-DE', messages: de },
  { code: 'ja', name: '日本語', dir: 'ltr', intl: 'ja-JP', tmdb: 'ja-JP', messages: ja },
  { code: 'ar', name: 'العربية', dir: 'rtl', intl: 'ar-u-nu-latn', tmdb: 'ar-SA', messages: ar },
] as const satisfies readonly LocaleInfo[]

export type UiLanguage = (typeof UI_LOCALES)[number]['code']

/** Each UI language's code and its name in itself ("Deutsch"), in menu order. */
export const UI_LANGUAGES = Object.fromEntries(UI_LOCALES.map((locale) => [locale.code, locale.name])) as Record<UiLanguage, string>

for (const locale of UI_LOCALES) registerLocale(locale)
