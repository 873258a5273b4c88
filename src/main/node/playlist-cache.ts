import { PageMemory } from '../../http/page-memory'
import type { MediaCache } from '../../platform'

/** Room for a few thousand playlists (a few KB each); least recently used go first. */
const PLAYLIST_BYTES = 4 * 1024 * 1024

/**
 * The Node runtime's media cache: playlists only, in this process's memory, for as long as their own max-age says.
 * Segments stay in the store (S3 or the media folder) and go out streamed: there is no shared cache on Node.
 */
export function playlistMemoryCache(memory = new PageMemory(PLAYLIST_BYTES), now = () => Date.now()): MediaCache {
  return {
    keeps: 'playlists',
    async match(key) {
      const entry = memory.get(key)
      if (!entry) return undefined
      const maxAge = Number(/max-age=(\d+)/.exec(new Headers(entry.headers).get('Cache-Control') ?? '')?.[1] ?? 0)
      if (now() - entry.storedAt >= maxAge * 1000) {
        memory.delete(key)
        return undefined
      }
      return new Response(entry.body, { headers: entry.headers })
    },
    async put(key, response) {
      memory.set(key, { body: await response.arrayBuffer(), headers: [...response.headers], storedAt: now() })
    },
  }
}
