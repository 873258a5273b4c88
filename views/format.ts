/** Small presentation helpers shared by the views (pure functions, no I/O). */
import type { Translator } from '../src/i18n/translator'

export function yearOf(releaseDate: string | null): string | null {
  const year = releaseDate?.slice(0, 4)
  return year && /^\d{4}$/.test(year) ? year : null
}

/** A runtime in the viewer's units ("2h 5m" in English), through `Intl.NumberFormat`; null when unknown. */
export function formatRuntime(minutes: number | null, t: Translator): string | null {
  return t.runtime(minutes)
}

/** TMDB-style 0–10 average to one decimal; null when nobody has voted. */
export function formatRating(average: number, votes: number, t: Translator): string | null {
  return votes > 0 && average > 0 ? t.rating(average) : null
}

export function formatCount(n: number, t: Translator): string {
  return t.number(n)
}

/** TMDB image sizes for srcset; applies only to URLs shaped like `<base>/<size>/<file>` (TMDB's image CDN). */
const SIZED_IMAGE = /^(https?:\/\/[^?#]+\/)(w\d+|original)(\/[^/?#]+\.(?:jpe?g|png|webp))$/i

export function srcsetFor(url: string | null, widths: number[]): string | undefined {
  const match = url ? SIZED_IMAGE.exec(url) : null
  if (!match) return undefined
  const [, base, , file] = match
  return widths.map((w) => `${base}w${w}${file} ${w}w`).join(', ')
}

/** The TMDB URL resized to `width`, or the URL unchanged when it is not a sized TMDB image. */
export function sizedImage(url: string, width: number): string {
  const match = SIZED_IMAGE.exec(url)
  return match ? `${match[1]}w${width}${match[3]}` : url
}

export const POSTER_WIDTHS = [185, 342, 500]
export const BACKDROP_WIDTHS = [780, 1280]

/**
 * Artwork the bundled catalog draws itself (`catalogImages` in src/catalog/api.ts): a gradient PNG without text, so the views
 * letter the title over posters in HTML (an SVG <img> per poster cost the browser a document each).
 */
export function isGeneratedArt(url: string | null): boolean {
  return Boolean(url && /\/images\/(?:posters|backdrops)\/[0-9]+\.(?:png|svg)(?:$|\?)/.test(url))
}

/** Seconds as m:ss or h:mm:ss (the player's clock, Resume's label, the admin list's durations). */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/**
 * User text as shown to others: without invisible format characters (Unicode Cf except ZWJ and ZWNJ, which emoji and
 * several scripts need): bidi overrides, embeddings, isolates and marks, word joiners, soft hyphens, tag characters.
 * They can reorder or hide words next to the page's own text (the third security audit's I4). The stored text is kept.
 */
const INVISIBLE = /(?![\u200c\u200d])\p{Cf}/gu
export const visibleText = (text: string): string => text.replace(INVISIBLE, '')

/** A region's name in the page's language (Intl; "DE" → "Germany", "Allemagne"…), else its code. */
export function regionName(code: string, locale: string): string {
  try {
    return regionNames(locale).of(code) ?? code
  } catch {
    return code
  }
}

// One DisplayNames per locale, and each menu's sorted list once per locale: the region menu is in every page's footer.
const displayNames = new Map<string, Intl.DisplayNames>()
const regionNames = (locale: string): Intl.DisplayNames => {
  let names = displayNames.get(locale)
  if (!names) displayNames.set(locale, (names = new Intl.DisplayNames([locale, 'en'], { type: 'region' })))
  return names
}
const sortedLists = new Map<string, readonly { code: string; name: string }[]>()

/** Region codes with their names in `locale`, sorted by name (remembered: the lists are few and fixed). */
export function regionOptions(codes: readonly string[], locale: string): readonly { code: string; name: string }[] {
  const key = `${locale}\u0000${codes.join(',')}`
  let options = sortedLists.get(key)
  if (!options) {
    const collator = new Intl.Collator(locale)
    options = codes.map((code) => ({ code, name: regionName(code, locale) })).sort((a, b) => collator.compare(a.name, b.name))
    // Bounded: a viewer's own region may join the common ones, so a few variants per locale at most.
    if (sortedLists.size >= 200) sortedLists.clear()
    sortedLists.set(key, options)
  }
  return options
}
