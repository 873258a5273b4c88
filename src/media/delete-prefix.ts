import { MEDIA_BATCH, type MediaStore } from './store'

/**
 * Deletes up to `batches` × 1,000 objects under `prefix`; true when nothing is left. Called by the
 * deletion job (src/videos/), never inside a request.
 */
export async function deletePrefix(media: MediaStore, prefix: string, batches = 10, batchSize = MEDIA_BATCH): Promise<boolean> {
  const size = Math.min(batchSize, MEDIA_BATCH)
  for (let i = 0; i < batches; i++) {
    const { keys, cursor } = await media.list(prefix, { limit: size })
    if (keys.length) await media.delete(keys)
    if (!cursor && keys.length < size) return true
  }
  return (await media.list(prefix, { limit: 1 })).keys.length === 0
}
