/**
 * Characters a display name may not contain: every invisible format character (Unicode's Cf: the bidi marks,
 * embeddings, overrides and isolates U+200E/F, U+061C, U+202A–E, U+2066–9, which can make "Admin\u202Enimda" read
 * as something else next to other text; the zero-width space, word joiner and invisible operators U+200B, U+2060–4;
 * the soft hyphen; the BOM; tag characters), and the Hangul fillers U+115F, U+1160, U+3164, U+FFA0 that draw as
 * blanks: all of them make look-alike or empty-looking names (the third audit's I4). ZWJ (U+200D) and ZWNJ (U+200C)
 * stay allowed: emoji sequences and scripts such as Persian and the Indic scripts need them. Names are still shown
 * inside <bdi> so what remains cannot reorder the page.
 */
export const DISPLAY_NAME_FORBIDDEN = /(?![\u200c\u200d])[\p{Cf}\u115f\u1160\u3164\uffa0]/u

export const displayNameAllowed = (name: string) => !DISPLAY_NAME_FORBIDDEN.test(name)

