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
 * can write the master, and the master's URIs stay plain relative names.
 *
 * A subtitle track an operator uploaded, as WebVTT, named by its content (`hash`: hex of its SHA-256): a new file
 * for a language is a new object, so every file a cached playlist lists stays what it was.
 */
export const subtitleKey = (videoId: string, ladder: number, lang: string, hash: string) => `${ladderPrefix(videoId, ladder)}subtitles/${lang}.${hash}.vtt`
/** The one-segment media playlist of a subtitle file, per master revision. */
export const subtitlePlaylistKey = (videoId: string, ladder: number, lang: string, revision: number) => `${ladderPrefix(videoId, ladder)}subtitles/${lang}.r${revision}.m3u8`
/** The master playlist, per revision (a ready video's subtitles changing makes a new one). */
export const masterKey = (videoId: string, ladder: number, revision: number) => `${ladderPrefix(videoId, ladder)}master.r${revision}.m3u8`
