/**
 * A download's files, by name under the video's folder (`v1/v480/seg_00001.m4s`): the list a device fetches (read
 * from the media playlists once, when the download is made), which names its token opens, and the offline master
 * playlist that ties the chosen tracks together.
 */
// The CommonJS entry, as src/videos/hls.ts explains: Workers and Node run the very same code.
import { parse, types } from 'hls-parser/index.js'
import { PLAYER_KEY, playerObjectKey } from '../media/keys'
import { MediaUnavailableError, type MediaStore } from '../media/store'
import type { DownloadableVideo } from '../videos'
import { masterPlaylist, renditionName } from '../videos/hls'
import type { DownloadItem } from './keys'

type Outputs = DownloadableVideo['hls']

/** The one playlist the server writes per download: one video variant, the chosen audio and subtitles. */
export const OFFLINE_MASTER = 'offline.m3u8'

export const ladderFolder = (outputs: Outputs) => `v${outputs.ladder}/`
const folderOf = (name: string) => name.slice(0, name.lastIndexOf('/') + 1)
/** A subtitle track's playlist of a master revision, relative to the ladder folder (src/media/keys.ts's subtitlePlaylistKey). */
const subtitlePlaylist = (lang: string, revision: number) => `subtitles/${lang.toLowerCase()}-r${revision}.m3u8`

/** What a download keeps, relative to the ladder folder: the rendition's playlist, the audio playlists, the subtitle languages. */
export interface Tracks {
  rendition: string
  audio: string[]
  subtitles: string[]
}

/**
 * Every file of the download, in the order a device should fetch them: the offline master first (it names the
 * rest), the media playlists each followed by their init file and segments, the subtitle files, the poster last.
 * The playlists are read from the media store; a missing one means the video cannot be downloaded (null).
 */
export async function downloadFiles(media: Pick<MediaStore, 'get'> | undefined, video: DownloadableVideo, tracks: Tracks): Promise<string[] | null> {
  if (!media) throw new MediaUnavailableError('no media store is configured')
  const ladder = ladderFolder(video.hls)
  const playlists = [tracks.rendition, ...tracks.audio].map((playlist) => `${ladder}${playlist}`)
  const listed = await Promise.all(playlists.map((name) => segmentsOf(media, video.videoId, name)))
  if (listed.some((names) => names === null)) return null
  const subtitles = tracks.subtitles.flatMap((lang) => {
    const file = video.masterSubtitles[lang]
    return file ? [`${ladder}${subtitlePlaylist(lang, video.masterRevision)}`, `${ladder}${file}`] : []
  })
  return [...new Set([`${ladder}${OFFLINE_MASTER}`, ...playlists.flatMap((name, i) => [name, ...listed[i]!]), ...subtitles, `${ladder}${video.hls.poster}`])]
}

/** A media playlist's init file and segments, as names under the video's folder; null when the playlist is missing. */
async function segmentsOf(media: Pick<MediaStore, 'get'>, videoId: string, name: string): Promise<string[] | null> {
  const object = await media.get(playerObjectKey(videoId, name))
  if (!object) return null
  const playlist = parse(await new Response(object.body).text())
  if (!(playlist instanceof types.MediaPlaylist)) return null
  const folder = folderOf(name)
  const names = playlist.segments.flatMap((segment) => [...(segment.map ? [segment.map.uri] : []), segment.uri])
  // Only plain names beside the playlist: nothing a playlist says can point a download outside its own folder.
  return [...new Set(names.map((uri) => `${folder}${uri}`))].filter((file) => PLAYER_KEY.test(file) && folderOf(file) === folder)
}

/** Whether the download's token opens `name`: its master, its poster, its rendition and audio folders, its subtitle languages' files. */
export function allowedName(download: DownloadItem, ladder: string, name: string): boolean {
  if (name === `${ladder}${OFFLINE_MASTER}` || name === download.poster) return true
  if (download.prefixes.some((prefix) => name.startsWith(prefix))) return true
  const subtitle = /^subtitles\/([a-z0-9-]+)-(r\d+\.m3u8|[0-9a-f]+\.vtt)$/.exec(name.slice(ladder.length))
  return name.startsWith(ladder) && subtitle !== null && download.subtitles.some((lang) => lang.toLowerCase() === subtitle[1])
}

/**
 * The offline master: the video's own master writer (src/videos/hls.ts) given one rendition, the download's audio
 * and its subtitle languages still in the current master. Null when the rendition is no longer in the outputs.
 */
export function offlineMaster(download: DownloadItem, video: DownloadableVideo): string | null {
  const rendition = video.hls.renditions.find((candidate) => candidate.playlist === download.rendition)
  if (!rendition) return null
  const audio = video.hls.audio.filter((track) => download.audio.includes(track.playlist))
  const subtitles = download.subtitles
    .filter((lang) => video.masterSubtitles[lang])
    .map((lang) => ({ lang, playlist: subtitlePlaylist(lang, video.masterRevision) }))
  return masterPlaylist({ ...video.hls, renditions: [rendition], audio }, subtitles, (lang) => renditionName(lang, download.language))
}
