/**
 * The admin API's upload protocol, as `npm run video:add` speaks it (CONTRACT.md, admin videos rows): find an
 * unfinished upload of the same film and size by this operator to resume, else create one; PUT the missing parts
 * (streamed from the file, Content-MD5, retried with backoff); complete; upload subtitles; wait for the transcoder.
 * Only HTTP: `fetch`, the API base and a bearer token come in, so tests drive it against any server.
 */
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { extname } from 'node:path'

export interface Video {
  id: string
  movie_id: number
  label: string | null
  license: string
  credit: string | null
  size: number
  part_size: number
  parts: { n: number; size: number; etag: string }[]
  status: 'uploading' | 'queued' | 'transcoding' | 'ready' | 'failed' | 'deleting'
  progress: number
  error: string | null
  duration: number | null
  renditions: { height: number; bandwidth: number }[]
  subtitles: string[]
  created_by: string | null
  updated_at: string
}

/** An answer other than 2xx: the API's own message (`{error:{code,message,details?}}`), one line. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message)
  }
}

/** Where progress goes: `status` is a transient line (redrawn on a terminal), `line` a permanent one. */
export interface Reporter {
  tty: boolean
  status(text: string): void
  line(text: string): void
}

export interface Api {
  fetch?: typeof fetch
  /** e.g. http://127.0.0.1:8787 */
  base: string
  /** a bearer token; unset only for login */
  token?: string
}

export interface UploadOptions extends Api {
  file: string
  movieId: number
  license: string
  credit?: string
  label?: string
  subtitles?: { lang: string; file: string }[]
  /** the operator's user id: only their own unfinished uploads are resumed */
  userId: string
  /** wait for `ready`/`failed` after completing (default true) */
  wait?: boolean
  /** stop waiting after this many seconds (0: never) */
  timeoutSeconds?: number
  pollMs?: number
  /** attempts after the first for a failed part */
  retries?: number
  retryDelayMs?: number
  report: Reporter
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

/** An error's message with its cause (fetch's "fetch failed" says nothing by itself). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { message?: string; code?: string } | undefined
  return cause && !(error instanceof ApiError) ? `${error.message} (${cause.code ?? cause.message ?? String(cause)})` : error.message
}

/** One call to the API: JSON or raw body in, parsed JSON out; an ApiError for any non-2xx answer. */
export async function call<T>(api: Api, method: string, path: string, init: { json?: unknown; body?: RequestInit['body'] | AsyncIterable<Uint8Array>; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers }
  if (api.token) headers.authorization = `Bearer ${api.token}`
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body
  const response = await (api.fetch ?? fetch)(`${api.base.replace(/\/+$/, '')}${path}`, { method, headers, body, duplex: 'half' } as RequestInit)
  const text = await response.text()
  if (!response.ok) {
    let error: { code?: string; message?: string; details?: { path?: string; message?: string }[] } = {}
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {}
    } catch {
      // not the API's error shape (a proxy's page): the status says enough
    }
    const details = error.details?.length ? ` (${error.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ')})` : ''
    const message = `${error.message ?? response.statusText ?? 'request failed'}${details} [HTTP ${response.status}${error.code ? ` ${error.code}` : ''}, ${method} ${path}]`
    throw new ApiError(message, response.status, error.code ?? 'http_error')
  }
  return (text ? JSON.parse(text) : undefined) as T
}

/** `POST /api/v1/auth/login` → the bearer token and the user's id. */
export async function login(api: Api, email: string, password: string): Promise<{ token: string; userId: string }> {
  const answer = await call<{ token: string; user: { id: string } }>({ ...api, token: undefined }, 'POST', '/api/v1/auth/login', { json: { email, password } })
  return { token: answer.token, userId: answer.user.id }
}

/** `GET /api/v1/me` → the token's user id. */
export async function whoAmI(api: Api): Promise<string> {
  return (await call<{ id: string }>(api, 'GET', '/api/v1/me')).id
}

const retryable = (error: unknown) => !(error instanceof ApiError) || error.status >= 500 || error.status === 408 || error.status === 429

async function md5Base64(file: string, start: number, end: number): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of createReadStream(file, { start, end })) hash.update(chunk as Buffer)
  return hash.digest('base64')
}

/** Upload `file` as a video of `movieId`, resuming when possible; resolves with the video's last state. */
export async function uploadVideo(o: UploadOptions): Promise<Video> {
  const { report } = o
  const size = statSync(o.file).size
  const base = '/api/v1/admin/videos'
  const meta = { license: o.license, ...(o.credit !== undefined && { credit: o.credit }), ...(o.label !== undefined && { label: o.label }) }

  const { results } = await call<{ results: Video[] }>(o, 'GET', base)
  const unfinished = results
    .filter((v) => v.status === 'uploading' && v.movie_id === o.movieId && v.size === size && v.created_by === o.userId)
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at))[0]
  let video: Video
  if (unfinished) {
    video = unfinished
    report.line(`Resuming upload ${video.id} (${video.parts.length} part(s) already received)`)
    const changed = video.license !== o.license || (o.credit !== undefined && o.credit !== video.credit) || (o.label !== undefined && o.label !== video.label)
    if (changed) video = await call<Video>(o, 'PATCH', `${base}/${video.id}`, { json: meta })
  } else {
    video = await call<Video>(o, 'POST', base, { json: { movie_id: o.movieId, size, ...meta } })
    report.line(`Created video ${video.id} for film ${o.movieId} (${mb(size)}, parts of ${mb(video.part_size)})`)
  }

  const partSize = video.part_size
  const count = Math.max(1, Math.ceil(size / partSize))
  const expected = (n: number) => (n < count ? partSize : size - (count - 1) * partSize)
  const received = new Map(video.parts.map((p) => [p.n, p.size]))
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => received.get(n) !== expected(n))
  let done = size - missing.reduce((sum, n) => sum + expected(n), 0)
  let sentThisRun = 0
  const started = Date.now()
  let drawn = 0
  const line = (n: number) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001)
    return `Uploading part ${n}/${count}: ${mb(done)} of ${mb(size)}, ${Math.floor((done / size) * 100)}%, ${mb(sentThisRun / seconds)}/s`
  }

  for (const n of missing) {
    const start = (n - 1) * partSize
    const end = start + expected(n) - 1
    const md5 = await md5Base64(o.file, start, end)
    for (let attempt = 1; ; attempt++) {
      let sent = 0
      async function* body() {
        for await (const chunk of createReadStream(o.file, { start, end })) {
          sent += (chunk as Buffer).length
          done += (chunk as Buffer).length
          sentThisRun += (chunk as Buffer).length
          if (report.tty && Date.now() - drawn > 100) {
            drawn = Date.now()
            report.status(line(n))
          }
          yield chunk as Buffer
        }
      }
      try {
        const headers = { 'content-type': 'application/octet-stream', 'content-length': String(expected(n)), 'content-md5': md5 }
        await call(o, 'PUT', `${base}/${video.id}/parts/${n}`, { body: body(), headers })
        break
      } catch (error) {
        done -= sent
        sentThisRun -= sent
        if (!retryable(error) || attempt > (o.retries ?? 3)) {
          throw new Error(`part ${n}/${count} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${describeError(error)}`)
        }
        const delay = (o.retryDelayMs ?? 1000) * 2 ** (attempt - 1)
        report.line(`Part ${n}/${count} failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`)
        await sleep(delay)
      }
    }
    if (report.tty) report.status(line(n))
    else report.line(line(n))
  }
  if (missing.length === 0) report.line('Every part was already received')

  video = await call<Video>(o, 'POST', `${base}/${video.id}/complete`)
  report.line(`Upload complete: ${mb(size)} in ${((Date.now() - started) / 1000).toFixed(1)} s; video ${video.id} is ${video.status}`)

  for (const { lang, file } of o.subtitles ?? []) {
    const type = extname(file).toLowerCase() === '.vtt' ? 'text/vtt; charset=utf-8' : 'application/x-subrip; charset=utf-8'
    await call(o, 'PUT', `${base}/${video.id}/subtitles/${encodeURIComponent(lang)}`, { body: readFileSync(file, 'utf8'), headers: { 'content-type': type } })
    report.line(`Subtitles ${lang} uploaded`)
  }

  if (o.wait === false) {
    report.line(`Not waiting for the transcoder (--no-wait): video ${video.id} is ${video.status}`)
    return video
  }
  return waitUntilDone(o, video)
}

/** Polls the video until `ready` (resolves) or `failed` (rejects), or the timeout passes (rejects). */
async function waitUntilDone(o: UploadOptions, first: Video): Promise<Video> {
  const { report } = o
  const timeout = (o.timeoutSeconds ?? 0) * 1000
  const deadline = timeout > 0 ? Date.now() + timeout : Infinity
  let video = first
  let shown = ''
  let failures = 0
  for (;;) {
    const text = `Video ${video.id}: ${video.status}${video.status === 'transcoding' ? ` ${Math.floor(video.progress * 100)}%` : ''}`
    if (report.tty) report.status(text)
    else if (text !== shown) report.line(text)
    shown = text
    if (video.status === 'ready') {
      const heights = video.renditions.map((r) => `${r.height}p`).join(', ')
      report.line(`Ready: ${video.duration ?? '?'} s${heights ? `, ${heights}` : ''}${video.subtitles.length ? `, subtitles ${video.subtitles.join(', ')}` : ''}`)
      return video
    }
    if (video.status === 'failed') throw new Error(`transcoding failed: ${video.error ?? 'no reason given'} (POST /api/v1/admin/videos/${video.id}/retry tries again)`)
    if (video.status === 'deleting') throw new Error(`video ${video.id} is being deleted`)
    if (Date.now() >= deadline) {
      throw new Error(`still ${video.status} after ${o.timeoutSeconds} s; stopped waiting (the video keeps processing: GET /api/v1/admin/videos/${video.id})`)
    }
    await sleep(Math.min(o.pollMs ?? 3000, Math.max(0, deadline - Date.now())))
    try {
      video = await call<Video>(o, 'GET', `/api/v1/admin/videos/${video.id}`)
      failures = 0
    } catch (error) {
      if (!retryable(error) || ++failures > 5) throw error
    }
  }
}
