/** The i18n seam: catalogues, the locale registry, the translator and locale detection. */
export * from './catalogue'
export * from './locales'
export * from './negotiate'
export * from './translator'
export { i18n, LANG_COOKIE, translatorFor } from './middleware'
