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
/** A subtitle track an operator uploaded, as WebVTT. */
export const subtitleKey = (videoId: string, lang: string) => `videos/${videoId}/subtitles/${lang}.vtt`
