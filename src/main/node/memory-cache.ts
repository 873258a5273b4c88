import type { CacheStore } from '../../platform'
import type { CachedText, TextCache } from './shared-cache'

/**
 * A small in-process LRU in front of the shared cache: hot TMDB answers (the home rows, popular films)
 * are read from memory, bounded by bytes, not entries, so a few large answers cannot grow the heap.
 * An entry lives no longer than the shared item it copies.
 */
export const DEFAULT_MEMORY_BYTES = 16 * 1024 * 1024

export function memoryFronted(shared: TextCache, options: { maxBytes?: number; now?: () => number } = {}): CacheStore & { bytes(): number } {
  const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_BYTES
  const now = options.now ?? Date.now
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used.
  const entries = new Map<string, CachedText>()
  let bytes = 0
  const sizeOf = (key: string, entry: CachedText) => (key.length + entry.value.length) * 2

  const forget = (key: string) => {
    const entry = entries.get(key)
    if (!entry) return
    entries.delete(key)
    bytes -= sizeOf(key, entry)
  }
  const remember = (key: string, entry: CachedText) => {
    forget(key)
    const size = sizeOf(key, entry)
    if (size > maxBytes / 4) return
    entries.set(key, entry)
    bytes += size
    for (const oldest of entries.keys()) {
      if (bytes <= maxBytes) break
      forget(oldest)
    }
  }
  const parse = <T>(text: string): T | null => {
    try {
      return JSON.parse(text) as T
    } catch {
      return null
    }
  }

  return {
    async get<T>(key: string): Promise<T | null> {
      const entry = entries.get(key)
      if (entry && entry.expiresAt > now()) {
        entries.delete(key)
        entries.set(key, entry)
        return parse<T>(entry.value)
      }
      if (entry) forget(key)
      const stored = await shared.getText(key)
      if (!stored) return null
      remember(key, stored)
      return parse<T>(stored.value)
    },
    async put(key, value, opts) {
      remember(key, { value, expiresAt: now() + opts.ttlSeconds * 1000 })
      await shared.put(key, value, opts)
    },
    bytes: () => bytes,
  }
}
