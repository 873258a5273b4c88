import { createContext, useContext, type Child } from 'hono/jsx'
import { createTranslator, type Translator } from '../../src/i18n/translator'

/**
 * The translator of one response. Full pages get it from the Layout, htmx fragments from
 * WithI18n; a view rendered without either (a unit test) speaks English.
 */
export const I18nContext = createContext<Translator>(createTranslator('en'))

export const useT = () => useContext(I18nContext)

/** Provides the translator to a fragment's views (full pages get it from the Layout). */
export function WithI18n({ t, children }: { t?: Translator; children: Child }) {
  return t ? <I18nContext.Provider value={t}>{children}</I18nContext.Provider> : <>{children}</>
}
