import type { MediaStore } from '../media/store'
import { ladderPrefix, masterKey, subtitlePlaylistKey } from '../media/keys'
import { masterPlaylist, renditionName, subtitlePlaylist, type HlsOutputs } from './hls'

/**
 * Writes a ready video's master playlist, revision `revision`, and one media playlist per subtitle file, from the
 * row alone (nothing is re-encoded). The transcoder calls it when a job ends and the app whenever a ready video's
 * subtitles change. Only these playlists are mutable, and even they are never overwritten: each revision is its own
 * object (`master-r<n>.m3u8`), so a cached older one stays consistent with the files it lists.
 *
 * `subtitleFiles` maps a language to its WebVTT file, relative to the ladder's folder (`subtitles/en-<hash>.vtt`).
 */
export async function publishMaster(media: Pick<MediaStore, 'put'>, videoId: string, outputs: HlsOutputs, subtitleFiles: Record<string, string>, revision: number): Promise<string> {
  const folder = ladderPrefix(videoId, outputs.ladder)
  const tracks = []
  for (const [lang, file] of Object.entries(subtitleFiles).sort(([a], [b]) => a.localeCompare(b))) {
    const key = subtitlePlaylistKey(videoId, outputs.ladder, lang, revision)
    // The playlist sits beside its .vtt file (both in subtitles/): its URI is the file's own name.
    await media.put(key, subtitlePlaylist(file.split('/').pop()!, outputs.duration), { contentType: PLAYLIST })
    tracks.push({ lang, playlist: key.slice(folder.length) })
  }
  const key = masterKey(videoId, outputs.ladder, revision)
  await media.put(key, masterPlaylist(outputs, tracks, (lang) => renditionName(lang)), { contentType: PLAYLIST })
  return key
}

const PLAYLIST = 'application/vnd.apple.mpegurl'
