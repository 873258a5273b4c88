import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import type { StaticAssets } from '../../platform'
import { headersFor, parseHeadersFile } from './headers-file'

/**
 * public/ served the way Workers static assets serve it in front of the worker: an exact file match
 * answers GET/HEAD with its content type, a strong ETag (304 on If-None-Match), `Cache-Control:
 * public, max-age=0, must-revalidate` unless `_headers` says otherwise, and the `_headers` rules;
 * anything else goes to the app. The files are read once at start-up (public/ is small) so a request
 * never touches the disk and no path can escape the folder: only names found there are served.
 */

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.woff2': 'font/woff2',
}

/** Files Workers reads as configuration, never serves. */
const NOT_SERVED = new Set(['_headers', '_redirects', '.assetsignore'])
const DEFAULT_CACHE_CONTROL = 'public, max-age=0, must-revalidate'

interface Asset {
  body: Uint8Array
  headers: Headers
  etag: string
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

export interface NodeStaticAssets extends StaticAssets {
  /** The asset's response, or undefined when no file has this path (the app answers then). */
  match(request: Request): Response | undefined
}

export function staticAssets(publicDir: string): NodeStaticAssets {
  const headersFile = join(publicDir, '_headers')
  const rules = existsSync(headersFile) ? parseHeadersFile(readFileSync(headersFile, 'utf8')) : []
  const assets = new Map<string, Asset>()
  for (const file of filesUnder(publicDir)) {
    const path = `/${relative(publicDir, file).split(sep).join('/')}`
    if (NOT_SERVED.has(path.slice(1))) continue
    const body = new Uint8Array(readFileSync(file))
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`
    const headers = new Headers({ 'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Cache-Control': DEFAULT_CACHE_CONTROL })
    for (const [name, value] of headersFor(rules, path)) headers.set(name, value)
    headers.set('ETag', etag)
    assets.set(path, { body, headers, etag })
  }

  const match = (request: Request): Response | undefined => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    let path: string
    try {
      path = decodeURIComponent(new URL(request.url).pathname)
    } catch {
      return undefined
    }
    const asset = assets.get(path)
    if (!asset) return undefined
    const headers = new Headers(asset.headers)
    const tags = request.headers.get('If-None-Match')
    if (tags && tags.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) return new Response(null, { status: 304, headers })
    headers.set('Content-Length', String(asset.body.byteLength))
    return new Response(request.method === 'HEAD' ? null : asset.body, { status: 200, headers })
  }
  return {
    match,
    fetch: async (request) => match(request) ?? new Response('Not Found', { status: 404 }),
  }
}
