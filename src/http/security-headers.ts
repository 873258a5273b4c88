import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from '../context'

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return ''
  }
}

/**
 * The player's pages: hls.js feeds the video from blob: URLs (Media Source) and starts its worker from one; each
 * subtitle track it adds is a <track> whose src is the constant `data:,WEBVTT` (a Chrome captions-menu workaround).
 */
const PLAYER_PAGES = '/watch/'

/**
 * Security headers on every response. Scripts only from our own origin (htmx is
 * served by the worker); images also from the TMDB image host; frames only from
 * YouTube's privacy-enhanced domain, loaded on click for trailers; media and workers
 * from blob: on the player's pages only.
 */
export const securityHeaders = (): MiddlewareHandler<AppEnv> => {
  // Built once per image origin and kind of page (in practice twice per isolate), not on every request.
  const built = new Map<string, MiddlewareHandler>()
  return async (c, next) => {
    const imageOrigin = originOf(c.get('config')?.TMDB_IMAGE_BASE_URL ?? 'https://image.tmdb.org')
    const player = c.req.path.startsWith(PLAYER_PAGES)
    const key = `${player}|${imageOrigin}`
    let middleware = built.get(key)
    if (!middleware) built.set(key, (middleware = headersFor(imageOrigin, player)))
    return middleware(c, next)
  }
}

function headersFor(imageOrigin: string, player: boolean): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      ...(player ? { mediaSrc: ["'self'", 'blob:', 'data:'], workerSrc: ["'self'", 'blob:'] } : {}),
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', ...(imageOrigin ? [imageOrigin] : [])],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      frameSrc: ['https://www.youtube-nocookie.com'],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    xFrameOptions: 'DENY',
    referrerPolicy: 'strict-origin-when-cross-origin',
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: 'same-site',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  })
}
