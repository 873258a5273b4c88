/**
 * Paths whose bodies are streamed to the media store rather than read by the app: upload parts, subtitles, the
 * no-JavaScript upload form and the transcoder's writes. The app's 64 KB body limit skips them; each of these
 * routes limits its own body, from Content-Length, before reading it.
 */
export const STREAMED_BODIES =
  /^(?:\/api\/v1\/admin\/videos\/[^/]+\/(?:parts\/[^/]+|subtitles\/[^/]+)|\/admin\/videos\/upload|\/admin\/videos\/[^/]+\/subtitles|\/internal\/media\/.+)$/
