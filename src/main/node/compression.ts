import { gunzip, gzip } from 'node:zlib'
import { promisify } from 'node:util'

/** How cached bodies are compressed before they are stored (the shared cache's port for it). */
export interface Compression {
  compress(text: string): Promise<Uint8Array>
  decompress(bytes: Uint8Array): Promise<string>
}

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/** gzip through zlib's thread pool: TMDB JSON shrinks to a fifth or less, off the event loop. */
export const gzipCompression: Compression = {
  compress: async (text) => new Uint8Array(await gzipAsync(text)),
  decompress: async (bytes) => (await gunzipAsync(bytes)).toString('utf8'),
}
