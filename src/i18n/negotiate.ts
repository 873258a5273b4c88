import { DEFAULT_LOCALE, isRegisteredLocale, registeredLocales } from './locales'

/** Accept-Language's tags, best first (q=0 means "not this one"); malformed parts are skipped. */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return []
  return header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined)
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index }
    })
    .filter(({ tag, q }) => q > 0 && /^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)$/.test(tag))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map(({ tag }) => tag)
}

/** The registered locale that best serves one requested tag: exact, then by language ("fr-CA" → "fr"). */
function matchTag(tag: string): string | undefined {
  const codes = registeredLocales().map((l) => l.code)
  const lower = tag.toLowerCase()
  const exact = codes.find((code) => code.toLowerCase() === lower)
  if (exact) return exact
  const language = lower.split('-')[0]
  return codes.find((code) => code.toLowerCase() === language)
}

/** Best registered match of an Accept-Language header, or undefined when none is acceptable. */
export function matchAcceptLanguage(header: string | undefined): string | undefined {
  for (const tag of parseAcceptLanguage(header)) {
    if (tag === '*') return DEFAULT_LOCALE
    const match = matchTag(tag)
    if (match) return match
  }
  return undefined
}

/** The contract's order: the signed-in user's language → the `lang` cookie → Accept-Language → English. */
export function chooseLocale(input: { userLanguage?: string; cookie?: string; acceptLanguage?: string }): string {
  if (isRegisteredLocale(input.userLanguage)) return input.userLanguage
  if (isRegisteredLocale(input.cookie)) return input.cookie
  return matchAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE
}
