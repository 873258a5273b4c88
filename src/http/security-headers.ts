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
 * Security headers on every response. Scripts only from our own origin (htmx is
 * served by the worker); images also from the TMDB image host; frames only from
 * YouTube's privacy-enhanced domain, loaded on click for trailers.
 */
export const securityHeaders = (): MiddlewareHandler<AppEnv> => {
  // Built once per image origin (in practice once per isolate), not on every request.
  const byImageOrigin = new Map<string, MiddlewareHandler>()
  return async (c, next) => {
    const imageOrigin = originOf(c.get('config')?.TMDB_IMAGE_BASE_URL ?? 'https://image.tmdb.org')
    let middleware = byImageOrigin.get(imageOrigin)
    if (!middleware) byImageOrigin.set(imageOrigin, (middleware = headersFor(imageOrigin)))
    return middleware(c, next)
  }
}

function headersFor(imageOrigin: string): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
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
