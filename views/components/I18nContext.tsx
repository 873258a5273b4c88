import { createContext, useContext } from 'hono/jsx'
import { createTranslator, type Translator } from '../../src/i18n/translator'

/**
 * The translator of one response, provided by the page renderer (src/http/render.tsx) to full pages
 * and htmx fragments alike; a view rendered without it (a unit test) speaks English.
 */
export const I18nContext = createContext<Translator>(createTranslator('en'))

export const useT = () => useContext(I18nContext)
