/**
 * Characters a display name may not contain: the bidi embeddings and overrides (U+202A–U+202E) and
 * isolates (U+2066–U+2069), which can make "Admin\u202Enimda" read as something else next to other
 * text, and the invisible zero-width space (U+200B) and BOM (U+FEFF), which make look-alike names.
 * ZWJ (U+200D) and ZWNJ (U+200C) stay allowed: emoji sequences and scripts such as Persian and the
 * Indic scripts need them. Names are still shown inside <bdi> so what remains cannot reorder the page.
 */
export const DISPLAY_NAME_FORBIDDEN = /[\u202a-\u202e\u2066-\u2069\u200b\ufeff]/

export const displayNameAllowed = (name: string) => !DISPLAY_NAME_FORBIDDEN.test(name)

