/**
 * FNV-1a (32 bits) of a text's UTF-8 bytes: a stable, fast, non-cryptographic hash. The bundled catalog's film ids
 * (scripts/build-catalog.ts) and its directors' ids (src/catalog/bundled/people.ts) are made from it, so they never
 * change between builds or runtimes.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}
