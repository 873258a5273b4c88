/**
 * Where a video's objects live in the media store. Built from ids this app minted (a video id is a
 * ULID-like string checked by VIDEO_ID), never from user input.
 */

/** The ids src/videos/ mints: 26 characters of Crockford base32. */
export const VIDEO_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/

/** Everything of one video (the deletion job removes this prefix). */
export const videoPrefix = (videoId: string) => `videos/${videoId}/`
/** The uploaded file, as sent. */
export const sourceKey = (videoId: string) => `videos/${videoId}/source`
/** One ladder's outputs (the transcoder's; `ladder` counts attempts with a new plan, from 1). */
export const ladderPrefix = (videoId: string, ladder: number) => `videos/${videoId}/v${ladder}/`
/**
 * Everything a player reads lives in the ladder's folder, so the transcoder (whose signed writes are confined to it)
 * can write the master, and the master's URIs stay plain relative names. Every name a player reads matches
 * PLAYER_KEY (lower case, one dot before the extension): the media route serves nothing else.
 *
 * A subtitle track an operator uploaded, as WebVTT, named by its content (`hash`: hex of its SHA-256): a new file
 * for a language is a new object, so every file a cached playlist lists stays what it was.
 */
export const subtitleKey = (videoId: string, ladder: number, lang: string, hash: string) => `${ladderPrefix(videoId, ladder)}subtitles/${lang.toLowerCase()}-${hash}.vtt`
/** The one-segment media playlist of a subtitle file, per master revision. */
export const subtitlePlaylistKey = (videoId: string, ladder: number, lang: string, revision: number) => `${ladderPrefix(videoId, ladder)}subtitles/${lang.toLowerCase()}-r${revision}.m3u8`
/** The master playlist, per revision (a ready video's subtitles changing makes a new one). */
export const masterKey = (videoId: string, ladder: number, revision: number) => `${ladderPrefix(videoId, ladder)}master-r${revision}.m3u8`

/**
 * A name under a video's folder that a player may fetch (`GET /media/t/<token>/<name>`): a ladder's playlists,
 * init files and segments, subtitles, the progressive MP4, the poster and the trickplay sprites. Segments are
 * non-empty and dot-free (CONTRACT.md's pattern, without empty segments), so no name leaves the video's folder.
 */
export const PLAYER_KEY = /^v\d+(\/[a-z0-9_-]+)+\.(m3u8|m4s|mp4|vtt|jpg)$/
/** The store key of a player's name under a video's folder (the name checked against PLAYER_KEY first). */
export const playerObjectKey = (videoId: string, name: string) => `${videoPrefix(videoId)}${name}`
